package io.tierscope.platform.registry;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RegistryStorageTest {

    @Test
    void registryDatabaseLivesInTheDataDirAndWritesThrough() {
        assertEquals("jdbc:h2:file:/data/p/registry-db/registry;WRITE_DELAY=0", RegistryProcess.h2Url(Path.of("/data/p")));
    }

    @Test
    void aDataDirThatWouldBreakTheJdbcUrlIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> RegistryProcess.h2Url(Path.of("/data/a;b")));
    }
}
