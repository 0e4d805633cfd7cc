package io.tierscope.streams.health;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tierscope.streams.registry.RegistryHealth;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Executors;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.LagInfo;
import org.apache.kafka.streams.ThreadMetadata;

/**
 * Liveness and readiness of one streams instance over HTTP, for an orchestrator's probes:
 * <ul>
 *   <li>{@code GET /health}: 200 while the instance is CREATED, REBALANCING or RUNNING with at least one
 *       live stream thread; 503 once it is in ERROR, shutting down or without threads (restart the process).</li>
 *   <li>{@code GET /ready}: 200 when RUNNING, the schema registry reachable and every local state store within
 *       {@code maxStoreLag} records of its changelog's end (restoration done); 503 otherwise.</li>
 * </ul>
 * The body is one line saying why. One daemon thread serves both; it reads the instance, never changes it.
 */
public final class HealthServer implements AutoCloseable {
    private final HttpServer server;
    private final KafkaStreams streams;
    private final RegistryHealth registry;
    private final long maxStoreLag;

    private HealthServer(HttpServer server, KafkaStreams streams, RegistryHealth registry, long maxStoreLag) {
        this.server = server;
        this.streams = streams;
        this.registry = registry;
        this.maxStoreLag = maxStoreLag;
    }

    /** Serves on {@code host:port} (port 0: any free port, see {@link #port()}). */
    public static HealthServer start(String host, int port, KafkaStreams streams, RegistryHealth registry,
                                     long maxStoreLag) {
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress(host, port), 8);
            HealthServer health = new HealthServer(http, streams, registry, maxStoreLag);
            http.createContext("/health", ex -> health.answer(ex, health.liveness()));
            http.createContext("/ready", ex -> health.answer(ex, health.readiness()));
            http.setExecutor(Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "tierscope-health");
                t.setDaemon(true);
                return t;
            }));
            http.start();
            return health;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve health checks on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The answer to a probe: HTTP status and a one-line reason. */
    public record Verdict(int status, String reason) {
        static Verdict ok(String reason) {
            return new Verdict(200, reason);
        }

        static Verdict unavailable(String reason) {
            return new Verdict(503, reason);
        }
    }

    public Verdict liveness() {
        KafkaStreams.State state = streams.state();
        if (state == KafkaStreams.State.CREATED) {
            return Verdict.ok("alive: " + state);
        }
        if (state != KafkaStreams.State.RUNNING && state != KafkaStreams.State.REBALANCING) {
            return Verdict.unavailable("not alive: state " + state);
        }
        long live = streams.metadataForLocalThreads().stream()
                .map(ThreadMetadata::threadState).filter(s -> !"DEAD".equals(s) && !"PENDING_SHUTDOWN".equals(s)).count();
        return live > 0 ? Verdict.ok("alive: " + state + ", " + live + " stream threads")
                : Verdict.unavailable("not alive: no live stream thread (state " + state + ")");
    }

    public Verdict readiness() {
        KafkaStreams.State state = streams.state();
        if (state != KafkaStreams.State.RUNNING) {
            return Verdict.unavailable("not ready: state " + state);
        }
        if (!registry.up()) {
            return Verdict.unavailable("not ready: " + registry.describe(System.currentTimeMillis()));
        }
        Map<String, Map<Integer, LagInfo>> lags;
        try {
            lags = streams.allLocalStorePartitionLags();
        } catch (RuntimeException e) { // a rebalance under way, or the brokers unreachable
            return Verdict.unavailable("not ready: store lags unknown (" + e.getMessage() + ")");
        }
        long worst = 0;
        String worstStore = "";
        for (Map.Entry<String, Map<Integer, LagInfo>> store : lags.entrySet()) {
            for (Map.Entry<Integer, LagInfo> p : store.getValue().entrySet()) {
                if (p.getValue().offsetLag() > worst) {
                    worst = p.getValue().offsetLag();
                    worstStore = store.getKey() + "-" + p.getKey();
                }
            }
        }
        if (worst > maxStoreLag) {
            return Verdict.unavailable("not ready: store " + worstStore + " is " + worst + " records behind its changelog"
                    + " (bound " + maxStoreLag + ")");
        }
        return Verdict.ok("ready: RUNNING, stores at most " + worst + " records behind");
    }

    private void answer(HttpExchange exchange, Verdict verdict) throws IOException {
        try (exchange) {
            byte[] body = (verdict.reason() + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            if ("HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(verdict.status(), -1);
                return;
            }
            exchange.sendResponseHeaders(verdict.status(), body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
