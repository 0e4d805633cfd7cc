package io.tierscope.platform;

import io.tierscope.platform.registry.RegistryHttp;
import io.tierscope.platform.testing.ContainerPlatform;
import io.tierscope.platform.testing.PlatformExtension;
import io.tierscope.platform.testing.TestTopics;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Docker variant of the platform; skipped (not failed) where no Docker engine answers. */
@Testcontainers(disabledWithoutDocker = true)
class ContainerPlatformIT {

    @Container
    static final ContainerPlatform PLATFORM = new ContainerPlatform();

    @Test
    void brokerAndRegistryServe() throws Exception {
        String topic = TestTopics.create(PLATFORM, PlatformExtension.uniqueTopic("containers"), 1);
        KafkaTestClients.send(PLATFORM.bootstrapServers(), topic, List.of("hello"));
        assertEquals(List.of("hello"), KafkaTestClients.read(PLATFORM.bootstrapServers(), topic, "read_committed", 1));
        assertTrue(new RegistryHttp(PLATFORM.schemaRegistryUrl()).isUp());
    }
}
