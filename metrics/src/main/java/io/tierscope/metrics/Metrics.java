package io.tierscope.metrics;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Micrometer with a Prometheus registry, the same way for every Tierscope command: JVM meters
 * bound, the project's own meters named {@code tierscope_...}, scraped at {@code /metrics}.
 */
public final class Metrics {
    /** The Prometheus text exposition format (what every Prometheus version scrapes). */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private Metrics() {
    }

    /** A Prometheus registry with JVM memory, GC, thread and CPU meters, tagged {@code app=<app>}. */
    public static PrometheusMeterRegistry newRegistry(String app) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("app", app);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        return registry;
    }

    /** Binds a Kafka Streams instance's own metrics (kafka_stream_...); close the binder when the instance stops. */
    public static KafkaStreamsMetrics bindKafkaStreams(PrometheusMeterRegistry registry, KafkaStreams streams) {
        KafkaStreamsMetrics binder = new KafkaStreamsMetrics(streams);
        binder.bindTo(registry);
        return binder;
    }

    /** Binds a producer's own metrics (kafka_producer_...: send rate, batch size, buffer, errors); close the binder with it. */
    public static KafkaClientMetrics bindKafkaProducer(PrometheusMeterRegistry registry, Producer<?, ?> producer) {
        KafkaClientMetrics binder = new KafkaClientMetrics(producer);
        binder.bindTo(registry);
        return binder;
    }

    /** The registry's meters in the Prometheus text format. */
    public static String scrape(PrometheusMeterRegistry registry) {
        return registry.scrape(CONTENT_TYPE);
    }

    /**
     * Serves {@code GET /metrics} on {@code bindAddress:port} (port 0: any free port) for commands
     * without an HTTP server of their own. Close the returned server to stop it.
     */
    public static MetricsServer startMetricsServer(PrometheusMeterRegistry registry, String bindAddress, int port) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(bindAddress, port), 0);
            server.createContext("/metrics", exchange -> {
                byte[] body = scrape(registry).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            });
            server.start();
            return new MetricsServer(server);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve metrics on " + bindAddress + ":" + port + ": " + e.getMessage(), e);
        }
    }

    /** {@link #startMetricsServer(PrometheusMeterRegistry, String, int)} on every interface. */
    public static MetricsServer startMetricsServer(PrometheusMeterRegistry registry, int port) {
        return startMetricsServer(registry, "0.0.0.0", port);
    }

    /** A running {@code /metrics} endpoint. */
    public static final class MetricsServer implements AutoCloseable {
        private final HttpServer server;

        private MetricsServer(HttpServer server) {
            this.server = server;
        }

        public int port() {
            return server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
