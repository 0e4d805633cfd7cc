package io.tierscope.streams.health;

/**
 * Where the {@code streams} command serves {@code /health} and {@code /ready}, and the store lag
 * (records behind the changelog's end) up to which an instance still counts as ready.
 */
public record HealthSettings(String host, int port, long maxStoreLag) {
    /** Default bound on a store's changelog lag for readiness: a few seconds of a busy VM's batches. */
    public static final long DEFAULT_MAX_STORE_LAG = 10_000;

    public HealthSettings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--health-port must be in [0, 65535], got " + port);
        }
        if (maxStoreLag < 0) {
            throw new IllegalArgumentException("--ready-max-lag must be >= 0, got " + maxStoreLag);
        }
    }
}
