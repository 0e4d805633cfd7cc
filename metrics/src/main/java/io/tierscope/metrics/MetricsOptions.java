package io.tierscope.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintStream;
import java.util.function.Consumer;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Option;

/**
 * {@code --metrics-port} and {@code --metrics-bind}: the options every long-running command shares to
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

    /**
     * For a Kafka Streams command: a registry named {@code app} with the instance's own meters and the
     * command's {@code extraMeters}, served when asked for (the port is printed to {@code out}). Close it when
     * the instance stops.
     */
    public AutoCloseable serveKafkaStreams(String app, KafkaStreams streams, Consumer<MeterRegistry> extraMeters,
                                           PrintStream out) {
        validate();
        if (!enabled()) {
            return () -> { };
        }
        PrometheusMeterRegistry registry = Metrics.newRegistry(app);
        extraMeters.accept(registry);
        KafkaStreamsMetrics binder = Metrics.bindKafkaStreams(registry, streams);
        Metrics.MetricsServer server = Metrics.startMetricsServer(registry, bind, port);
        out.println("tierscope " + app + ": Prometheus metrics on port " + server.port() + " at /metrics");
        return () -> {
            server.close();
            binder.close();
        };
    }

    /** Starts the endpoint when asked for, else returns null (try-with-resources accepts null). */
    public Metrics.MetricsServer startIfEnabled(PrometheusMeterRegistry registry) {
        validate();
        return enabled() ? Metrics.startMetricsServer(registry, bind, port) : null;
    }
}
