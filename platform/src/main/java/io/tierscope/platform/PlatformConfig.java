package io.tierscope.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Where the embedded platform keeps its data and which loopback ports it uses (0 = pick a free one).
 * The data dir holds the Kafka log ({@code kafka-logs/}), its {@code cluster.id}, the registry's
 * database ({@code registry-db/}, so schema ids in old records stay valid), and the child logs
 * {@code broker.log} and {@code registry.log}. Delete it to start from nothing.
 */
public record PlatformConfig(Path dataDir, int kafkaPort, int controllerPort, int registryPort,
                             Duration startupTimeout, boolean secured) {

    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofMinutes(3);

    public PlatformConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(startupTimeout, "startupTimeout");
        checkPort("kafkaPort", kafkaPort);
        checkPort("controllerPort", controllerPort);
        checkPort("registryPort", registryPort);
        if (startupTimeout.isNegative() || startupTimeout.isZero()) {
            throw new IllegalArgumentException("startupTimeout must be positive, got " + startupTimeout);
        }
        int[] fixed = {kafkaPort, controllerPort, registryPort};
        for (int i = 0; i < fixed.length; i++) {
            for (int j = i + 1; j < fixed.length; j++) {
                if (fixed[i] != 0 && fixed[i] == fixed[j]) {
                    throw new IllegalArgumentException("kafka, controller and registry ports must differ, got "
                            + kafkaPort + ", " + controllerPort + ", " + registryPort);
                }
            }
        }
    }

    private static void checkPort(String name, int port) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException(name + " must be 0 (any free port) or 1..65535, got " + port);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private Path dataDir;
        private int kafkaPort;
        private int controllerPort;
        private int registryPort;
        private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
        private boolean secured;

        private Builder() {
        }

        public Builder dataDir(Path dataDir) {
            this.dataDir = dataDir;
            return this;
        }

        public Builder kafkaPort(int port) {
            this.kafkaPort = port;
            return this;
        }

        public Builder controllerPort(int port) {
            this.controllerPort = port;
            return this;
        }

        public Builder registryPort(int port) {
            this.registryPort = port;
            return this;
        }

        public Builder startupTimeout(Duration timeout) {
            this.startupTimeout = timeout;
            return this;
        }

        /**
         * A secured broker (SASL_SSL, SCRAM-SHA-512, ACLs: {@link io.tierscope.platform.kafka.BrokerSecurity});
         * the data dir must be new or have been secured from its first start.
         */
        public Builder secured(boolean secured) {
            this.secured = secured;
            return this;
        }

        /** Without a data dir, a fresh temporary one is used (its data does not outlive the caller's interest). */
        public PlatformConfig build() {
            Path dir = dataDir;
            if (dir == null) {
                try {
                    dir = Files.createTempDirectory("tierscope-platform-");
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot create a temporary data dir", e);
                }
            }
            return new PlatformConfig(dir, kafkaPort, controllerPort, registryPort, startupTimeout, secured);
        }
    }
}
