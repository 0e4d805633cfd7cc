package io.tierscope.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data dir lock within one JVM (the cross-process case: app's PlatformCommandIT). */
class DataDirLockTest {
    @TempDir
    Path dir;

    @Test
    void aSecondOwnerIsRefusedWithTheDirAndThePidUntilTheFirstLetsGo() throws Exception {
        Path data = dir.resolve("platform");
        long pid = ProcessHandle.current().pid();
        try (DataDirLock first = DataDirLock.acquire(data)) {
            assertEquals(data.toRealPath(), first.dir());
            assertEquals(pid + "\n", Files.readString(data.resolve(DataDirLock.FILE_NAME)));
            // Another spelling of the same dir is the same dir.
            PlatformStartException refused = assertThrows(PlatformStartException.class,
                    () -> DataDirLock.acquire(data.resolve("..").resolve("platform")));
            assertEquals("data dir " + data.toRealPath() + " is in use by another Tierscope platform (pid " + pid
                    + "): stop that one, or give this one another --data-dir", refused.getMessage());
        }
        try (DataDirLock again = DataDirLock.acquire(data)) {
            assertTrue(Files.exists(again.dir().resolve(DataDirLock.FILE_NAME)));
        }
    }

    @Test
    void embeddedStartOnAHeldDirFailsBeforeStartingAnything() {
        Path data = dir.resolve("held");
        try (DataDirLock held = DataDirLock.acquire(data)) {
            PlatformConfig config = PlatformConfig.builder().dataDir(data).build();
            PlatformStartException refused = assertThrows(PlatformStartException.class, () -> EmbeddedPlatform.start(config));
            assertTrue(refused.getMessage().startsWith("data dir " + held.dir() + " is in use"), refused.getMessage());
            // Nothing was started: no broker log dir was formatted.
            assertTrue(Files.notExists(data.resolve("kafka-logs")) && Files.notExists(data.resolve("broker.log")));
        }
    }
}
