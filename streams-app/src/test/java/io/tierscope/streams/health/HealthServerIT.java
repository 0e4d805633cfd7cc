package io.tierscope.streams.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.platform.Platform;
import io.tierscope.platform.testing.PlatformExtension;
import io.tierscope.streams.StreamsAppConfig;
import io.tierscope.streams.StreamsRunner;
import io.tierscope.streams.TierscopeTopology;
import io.tierscope.streams.TopologySerdes;
import io.tierscope.topics.TopicProvisioner;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** /health and /ready of a real instance against a real broker: 503 before RUNNING, 200 once running, 503 after close. */
@ExtendWith(PlatformExtension.class)
class HealthServerIT {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void readyIs503BeforeRunningAnd200AfterAndLivenessEndsWithTheInstance(Platform platform, @TempDir Path stateDir)
            throws Exception {
        String app = "health-it-" + UUID.randomUUID().toString().substring(0, 8);
        Properties admin = new Properties();
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
        try (Admin a = Admin.create(admin)) {
            new TopicProvisioner(a, 2, (short) 1).ensureAll();
        }
        TopologySerdes serdes = new TopologySerdes(platform.schemaRegistryUrl());
        KafkaStreams streams = new KafkaStreams(TierscopeTopology.build(StreamsAppConfig.defaults(), serdes),
                StreamsRunner.streamsProperties(platform.bootstrapServers(), app, stateDir, Map.of()));
        try (HealthServer health = HealthServer.start("127.0.0.1", 0, streams, serdes.registryWait().health(), 10_000)) {
            int port = health.port();
            HttpResponse<String> ready = get(port, "/ready");
            assertEquals(503, ready.statusCode(), ready.body());
            assertTrue(ready.body().contains("CREATED"), ready.body());
            assertEquals(200, get(port, "/health").statusCode(), "a created instance is alive");

            // The instance's state changes on its own threads: record whether it has ever been RUNNING, so that an
            // early 200 can be judged against what had happened by the time it arrived, not against one racy look.
            AtomicBoolean everRunning = new AtomicBoolean();
            streams.setStateListener((newState, oldState) -> {
                if (newState == KafkaStreams.State.RUNNING) {
                    everRunning.set(true);
                }
            });
            streams.start();
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (!everRunning.get() && System.nanoTime() < deadline) {
                HttpResponse<String> early = get(port, "/ready");
                // The state is set just before the listener hears of it: a look after the answer covers that gap.
                boolean runningByNow = everRunning.get() || streams.state() == KafkaStreams.State.RUNNING;
                if (early.statusCode() != 503) {
                    assertEquals(200, early.statusCode(), early.body());
                    assertTrue(early.body().startsWith("ready: RUNNING"), early.body());
                    assertTrue(runningByNow, "ready before the instance was ever RUNNING: " + early.body());
                }
                Thread.sleep(100);
            }
            assertTrue(everRunning.get(), "RUNNING within 2 minutes (state " + streams.state() + ")");
            HttpResponse<String> readyNow = awaitStatus(port, "/ready", 200);
            assertTrue(readyNow.body().startsWith("ready"), readyNow.body());
            HttpResponse<String> alive = get(port, "/health");
            assertEquals(200, alive.statusCode(), alive.body());
            assertTrue(alive.body().contains("1 stream threads"), alive.body());

            streams.close(Duration.ofSeconds(30));
            assertEquals(503, get(port, "/health").statusCode(), "a closed instance is not alive");
            assertEquals(503, get(port, "/ready").statusCode(), "a closed instance is not ready");
        } finally {
            streams.close(Duration.ofSeconds(30));
        }
    }

    /** Store lags are fetched from the broker; the first answers after RUNNING may still be 503 for a moment. */
    private HttpResponse<String> awaitStatus(int port, String path, int status) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        HttpResponse<String> last = get(port, path);
        while (last.statusCode() != status && System.nanoTime() < deadline) {
            Thread.sleep(200);
            last = get(port, path);
        }
        assertEquals(status, last.statusCode(), last.body());
        return last;
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
