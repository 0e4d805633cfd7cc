package io.tierscope.platform;

import java.util.Objects;

/** A platform somebody else runs (docker compose, a real cluster): nothing to start or stop. */
public record ExternalPlatform(String bootstrapServers, String schemaRegistryUrl) implements Platform {

    public ExternalPlatform {
        requireText(bootstrapServers, "bootstrapServers");
        requireText(schemaRegistryUrl, "schemaRegistryUrl");
    }

    private static void requireText(String value, String name) {
        Objects.requireNonNull(value, name);
        if (value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }

    @Override
    public boolean embedded() {
        return false;
    }

    @Override
    public void close() {
        // Not ours to stop.
    }
}
