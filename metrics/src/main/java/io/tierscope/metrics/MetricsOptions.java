package io.tierscope.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import picocli.CommandLine.Option;

/**
 * {@code --metrics-port} and {@code --metrics-bind}. Free of Kafka Streams types: picocli reflects over a
 * mixin's methods, and commands without Kafka Streams on their class path use it too
 * ({@link StreamsMetrics} serves a Kafka Streams instance).: the options every long-running command shares to
 * serve its meters at {@code /metrics} for Prometheus. Off unless a port is given.
 */
public final class MetricsOptions {
    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Serve Prometheus metrics at http://BIND:PORT/metrics (0: any free port; default: off).")
    private Integer port;

    @Option(names = "--metrics-bind", paramLabel = "ADDRESS", defaultValue = "0.0.0.0",
            description = "Address the metrics endpoint listens on (default: ${DEFAULT-VALUE}).")
    private String bind;

    /** @throws IllegalArgumentException naming the option when the port is out of range */
    public void validate() {
        if (port != null && (port < 0 || port > 65535)) {
            throw new IllegalArgumentException("--metrics-port must be 0 to 65535, got " + port);
        }
    }

    public boolean enabled() {
        return port != null;
    }

    /** Starts the endpoint when asked for, else returns null (try-with-resources accepts null). */
    public Metrics.MetricsServer startIfEnabled(PrometheusMeterRegistry registry) {
        validate();
        return enabled() ? Metrics.startMetricsServer(registry, bind, port) : null;
    }
}
