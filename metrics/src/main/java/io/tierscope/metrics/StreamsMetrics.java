package io.tierscope.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintStream;
import java.util.function.Function;
import org.apache.kafka.streams.KafkaStreams;

/** The metrics of a Kafka Streams command ({@code streams}, {@code plan}), served the same way by each. */
public final class StreamsMetrics {
    private StreamsMetrics() {
    }

    /**
     * A registry named {@code app} with the instance's own meters and the command's {@code extraMeters} (which
     * return what to close with them), served when {@code options} ask for it (the port is printed to
     * {@code out}). Close it when the instance stops.
     */
    public static AutoCloseable serve(MetricsOptions options, String app, KafkaStreams streams,
                                      Function<MeterRegistry, AutoCloseable> extraMeters, PrintStream out) {
        options.validate();
        if (!options.enabled()) {
            return () -> { };
        }
        PrometheusMeterRegistry registry = Metrics.newRegistry(app);
        AutoCloseable extra = extraMeters.apply(registry);
        KafkaStreamsMetrics binder = Metrics.bindKafkaStreams(registry, streams);
        Metrics.MetricsServer server = options.startIfEnabled(registry);
        out.println("tierscope " + app + ": Prometheus metrics on port " + server.port() + " at /metrics");
        return () -> {
            server.close();
            binder.close();
            extra.close();
        };
    }
}
