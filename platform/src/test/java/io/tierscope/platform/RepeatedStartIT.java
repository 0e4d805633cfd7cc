package io.tierscope.platform;

import io.tierscope.platform.process.FreePorts;
import io.tierscope.platform.registry.RegistryHttp;
import io.tierscope.platform.testing.TestTopics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo runs twice in a row: same data dir, same fixed ports, data of the first run still there. */
class RepeatedStartIT {

    @Test
    void secondStartOnTheSameDataDirAndPortsSeesTheFirstRunsData(@TempDir Path dir) throws Exception {
        PlatformConfig config = PlatformConfig.builder().dataDir(dir)
                .kafkaPort(FreePorts.pick()).controllerPort(FreePorts.pick()).registryPort(FreePorts.pick()).build();
        String topic = "repeated-start";

        EmbeddedPlatform first = EmbeddedPlatform.start(config);
        try {
            TestTopics.create(first, topic, 1);
            KafkaTestClients.send(first.bootstrapServers(), topic, List.of("from-the-first-run"));
        } finally {
            first.close();
        }
        first.close(); // idempotent

        try (EmbeddedPlatform second = EmbeddedPlatform.start(config)) {
            assertEquals(first.bootstrapServers(), second.bootstrapServers());
            assertEquals(first.schemaRegistryUrl(), second.schemaRegistryUrl());
            assertTrue(new RegistryHttp(second.schemaRegistryUrl()).isUp());
            assertEquals(List.of("from-the-first-run"),
                    KafkaTestClients.read(second.bootstrapServers(), topic, "read_committed", 1));
        }
    }
}
