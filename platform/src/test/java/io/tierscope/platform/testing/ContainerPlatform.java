package io.tierscope.platform.testing;

import io.tierscope.platform.Platform;
import io.tierscope.platform.registry.RegistryHttp;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.lifecycle.Startable;

import java.time.Duration;

/**
 * The platform in Docker containers (Testcontainers): apache/kafka in KRaft mode and Apicurio
 * Registry. For machines with a Docker engine; use from a class annotated
 * {@code @Testcontainers(disabledWithoutDocker = true)} so it is skipped where there is none.
 */
public final class ContainerPlatform implements Platform, Startable {
    /** Same Kafka version as the clients (root pom kafka.version). */
    public static final String KAFKA_IMAGE = "apache/kafka:4.3.1";
    public static final String REGISTRY_IMAGE = "apicurio/apicurio-registry:3.3.3";
    private static final int REGISTRY_PORT = 8080;

    private final KafkaContainer kafka = new KafkaContainer(KAFKA_IMAGE);
    private final GenericContainer<?> registry = new GenericContainer<>(REGISTRY_IMAGE)
            .withExposedPorts(REGISTRY_PORT)
            .waitingFor(Wait.forHttp("/apis/ccompat/v7/subjects").forStatusCode(200)
                    .withStartupTimeout(Duration.ofMinutes(3)));

    @Override
    public void start() {
        kafka.start();
        registry.start();
        new RegistryHttp(schemaRegistryUrl()).setGlobalCompatibility("BACKWARD");
    }

    @Override
    public void stop() {
        registry.stop();
        kafka.stop();
    }

    @Override
    public String bootstrapServers() {
        return kafka.getBootstrapServers();
    }

    @Override
    public String schemaRegistryUrl() {
        return "http://" + registry.getHost() + ":" + registry.getMappedPort(REGISTRY_PORT) + "/apis/ccompat/v7";
    }

    @Override
    public boolean embedded() {
        return false;
    }

    @Override
    public void close() {
        stop();
    }
}
