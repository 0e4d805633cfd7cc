package io.tierscope.platform.kafka;

import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClusterIdFileTest {

    @Test
    void createsOnceAndReusesPerDataDir(@TempDir Path dir) throws Exception {
        String first = ClusterIdFile.loadOrCreate(dir.resolve("a"));
        assertEquals(first, ClusterIdFile.loadOrCreate(dir.resolve("a")));
        assertEquals(first, Files.readString(dir.resolve("a").resolve(ClusterIdFile.FILE_NAME)).trim());
        assertEquals(first, Uuid.fromString(first).toString());
        assertNotEquals(first, ClusterIdFile.loadOrCreate(dir.resolve("b")));
    }

    @Test
    void corruptFileIsReportedNotReplaced(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(ClusterIdFile.FILE_NAME), "not-a-uuid");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ClusterIdFile.loadOrCreate(dir));
        assertTrue(e.getMessage().contains("not-a-uuid") && e.getMessage().contains(ClusterIdFile.FILE_NAME), e.getMessage());
        assertEquals("not-a-uuid", Files.readString(dir.resolve(ClusterIdFile.FILE_NAME)));
    }

    @Test
    void adoptsTheIdOfAnAlreadyFormattedLogDir(@TempDir Path dir) throws Exception {
        String formatted = Uuid.randomUuid().toString();
        Path logDir = Files.createDirectories(BrokerSettings.logDir(dir));
        Files.writeString(logDir.resolve("meta.properties"), "version=1\ncluster.id=" + formatted + "\nnode.id=1\n");
        assertEquals(formatted, ClusterIdFile.loadOrCreate(dir));
        assertEquals(formatted, Files.readString(dir.resolve(ClusterIdFile.FILE_NAME)).trim());
    }
}
