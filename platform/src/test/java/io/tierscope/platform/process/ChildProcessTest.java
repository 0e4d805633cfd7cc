package io.tierscope.platform.process;

import io.tierscope.platform.PlatformStartException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChildProcessTest {

    @Test
    void aChildThatDiesBeforeReadyIsReportedWithItsExitCodeAndLogTail(@TempDir Path dir) {
        ChildProcess child = ChildProcess.start("failing child", List.of("sh", "-c", "echo 'bind failed: port in use'; exit 7"),
                dir, dir.resolve("child.log"), Map.of());
        PlatformStartException e = assertThrows(PlatformStartException.class,
                () -> child.awaitReady(() -> false, Duration.ofSeconds(30)));
        assertTrue(e.getMessage().contains("failing child exited with code 7") && e.getMessage().contains("bind failed: port in use"),
                e.getMessage());
    }

    @Test
    void readinessEndsTheWaitAndStopTerminatesTheChild(@TempDir Path dir) throws Exception {
        Path marker = dir.resolve("ready");
        ChildProcess child = ChildProcess.start("sleeper", List.of("sh", "-c", "touch ready; exec sleep 300"),
                dir, dir.resolve("child.log"), Map.of());
        child.awaitReady(() -> Files.exists(marker), Duration.ofSeconds(30));
        assertTrue(child.isAlive());
        child.stop(Duration.ofSeconds(10));
        assertFalse(child.isAlive());
        assertTrue(Files.readString(dir.resolve("child.log")).contains("starting sleeper"), "the log names the command");
    }

    @Test
    void aChildThatNeverGetsReadyIsStoppedAtTheTimeout(@TempDir Path dir) {
        ChildProcess child = ChildProcess.start("slow child", List.of("sh", "-c", "echo still warming up; exec sleep 300"),
                dir, dir.resolve("child.log"), Map.of());
        PlatformStartException e = assertThrows(PlatformStartException.class,
                () -> child.awaitReady(() -> false, Duration.ofMillis(500)));
        assertTrue(e.getMessage().contains("not ready within") && e.getMessage().contains("still warming up"), e.getMessage());
        assertFalse(child.isAlive());
    }
}
