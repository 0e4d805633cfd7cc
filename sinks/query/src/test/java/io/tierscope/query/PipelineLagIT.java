package io.tierscope.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tierscope.metrics.Metrics;
import io.tierscope.platform.Platform;
import io.tierscope.platform.testing.PlatformExtension;
import io.tierscope.platform.testing.PrometheusText;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Consumer lag as the dashboard shows it, against the real broker: committed offsets, read_committed ends. */
@ExtendWith(PlatformExtension.class)
class PipelineLagIT {

    @Test
    void lagIsCommittedEndMinusCommittedOffsetPerTopicAndOpenTransactionsAreNotLag(Platform platform) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = "lag-it-" + run;
        String group = "lag-it-group-" + run;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", platform.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "lag-it-tx-" + run);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
                producer.initTransactions();
                producer.beginTransaction();
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>(topic, i % 2, "k", "v" + i));
                }
                producer.commitTransaction();
                // The commit markers are written after commitTransaction returns: wait until read_committed sees them.
                awaitCommittedEnd(admin, new TopicPartition(topic, 0), 6);
                awaitCommittedEnd(admin, new TopicPartition(topic, 1), 6);
                // Committed: 5 records + 1 commit marker per partition; the group has read 2 of partition 0's.
                admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(2),
                        new TopicPartition(topic, 1), new OffsetAndMetadata(6))).all().get();
                AtomicLong clock = new AtomicLong(0);
                PipelineLag lag = new PipelineLag(admin, List.of(group, "lag-it-never-" + run), PipelineLag.REFRESH_EVERY,
                        PipelineLag.ADMIN_TIMEOUT, Duration.ofSeconds(15), clock::get);

                PipelineLag.GroupLag before = lag.snapshot().get(0);
                assertEquals(-1, before.lag(), "nothing read yet: unknown, not zero");
                assertTrue(before.stale() && before.error().startsWith("not read yet"), before.toString());

                lag.refresh();
                List<PipelineLag.GroupLag> first = lag.snapshot();
                assertEquals(2, first.size());
                PipelineLag.GroupLag g = first.get(0);
                assertNull(g.error(), g.error());
                assertEquals(4, g.lag(), "partition 0: end 6 (5 records + marker) - committed 2; partition 1 caught up");
                assertEquals(Map.of(topic, 4L), g.byTopic());
                assertFalse(g.stale());
                assertEquals(0, g.readAtMs());
                PipelineLag.GroupLag never = first.get(1);
                assertEquals(-1, never.lag());
                assertTrue(never.stale());
                assertTrue(never.error().startsWith("no committed offsets"), "a group without commits says so: " + never.error());

                // An open transaction is not lag: its records are invisible to a read_committed group.
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topic, 0, "k", "open")).get();
                producer.flush();
                clock.set(5_000);
                lag.refresh();
                assertEquals(4, lag.currentLagOf(group));
                producer.commitTransaction();
                awaitCommittedEnd(admin, new TopicPartition(topic, 0), 8);
                clock.set(11_000);
                PipelineLag.GroupLag unrefreshed = lag.snapshot().get(0);
                assertEquals(4, unrefreshed.lag(), "readers get the last read, not the cluster's answer");
                assertEquals(6_000, unrefreshed.ageMs(), "with its age");
                assertFalse(unrefreshed.stale(), "6 s is within the 15 s a read stays current");
                lag.refresh();
                assertEquals(6, lag.currentLagOf(group), "the committed record and its marker now count");
                assertEquals(0, lag.ageMsOf(group));

                clock.set(11_000 + 15_001);
                PipelineLag.GroupLag old = lag.snapshot().get(0);
                assertEquals(6, old.lag(), "the last read is still shown");
                assertTrue(old.stale(), "but marked stale once older than 15 s");
                assertEquals(-1, lag.currentLagOf(group), "and the gauge does not present it as current");


                // A read that fails keeps the last good lag on show, marked stale, with the reason.
                admin.deleteConsumerGroups(List.of(group)).all().get();
                clock.set(30_000);
                lag.refresh();
                PipelineLag.GroupLag failed = lag.snapshot().get(0);
                assertEquals(6, failed.lag());
                assertEquals(11_000, failed.readAtMs(), "from the last successful read");
                assertTrue(failed.stale());
                assertTrue(failed.error().startsWith("no committed offsets"), failed.error());
            }
        }
    }

    /**
     * With the cluster unreachable, /api/v1/lag and /metrics answer from the last read (here: none yet) while the
     * refresh thread is held in an Admin call that would take ten minutes to time out: the answer says the lag is
     * not read yet, which it could not say had the request waited on the Admin client.
     */
    @Test
    void withTheBrokerUnreachableTheEndpointAndTheGaugeAnswerUnknownWithoutWaitingOnTheAdminClient(@TempDir Path state)
            throws Exception {
        String unreachable = "127.0.0.1:" + closedPort();
        String group = "lag-it-unreachable";
        Properties streamsProps = new Properties();
        streamsProps.put(StreamsConfig.APPLICATION_ID_CONFIG, "lag-it-unreachable-query");
        streamsProps.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, unreachable);
        streamsProps.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("lag-it-unused");
        PrometheusMeterRegistry registry = Metrics.newRegistry("lag-it");
        Admin admin = Admin.create(Map.of("bootstrap.servers", unreachable));
        try (KafkaStreams neverStarted = new KafkaStreams(builder.build(), streamsProps)) {
            PipelineLag lag = new PipelineLag(admin, List.of(group), PipelineLag.REFRESH_EVERY, Duration.ofMinutes(10),
                    PipelineLag.STALE_AFTER, System::currentTimeMillis);
            QueryServer server = new QueryServer(new LocalStores(neverStarted), new HostInfo("127.0.0.1", 0), "127.0.0.1", 0,
                    null, registry, Duration.ofSeconds(1), lag).start();
            try {
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                        + "/api/v1/lag")).timeout(Duration.ofMinutes(1)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, answer.statusCode(), answer.body());
                JsonNode g = new ObjectMapper().readTree(answer.body()).get("groups").get(0);
                assertEquals(group, g.get("group").asText());
                assertEquals(-1, g.get("lag").asLong(), "unknown, never a made-up 0: " + g);
                assertTrue(g.get("stale").asBoolean(), g.toString());
                assertTrue(g.get("error").asText().startsWith("not read yet"), "answered from the last read: " + g);

                HttpResponse<String> scrape = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                        + "/metrics")).timeout(Duration.ofMinutes(1)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, scrape.statusCode());
                Map<String, Double> samples = PrometheusText.parse(scrape.body());
                assertTrue(samples.get("tierscope_query_pipeline_lag{app=\"lag-it\",group=\"" + group + "\"}").isNaN(),
                        "the gauge says unknown: " + samples);
                assertTrue(samples.get("tierscope_query_pipeline_lag_age_seconds{app=\"lag-it\",group=\"" + group + "\"}").isNaN(),
                        "no read, no age: " + samples);
            } finally {
                server.close(); // interrupts the refresh thread's wait for the Admin call
            }
        } finally {
            admin.close(Duration.ZERO); // its call would wait ten minutes
        }

        // With an Admin timeout of 200 ms the reads fail; each answer gives the reason, the lag stays unknown.
        Admin quick = Admin.create(Map.of("bootstrap.servers", unreachable));
        try (PipelineLag lag = new PipelineLag(quick, List.of(group), Duration.ofMillis(100), Duration.ofMillis(200),
                PipelineLag.STALE_AFTER, System::currentTimeMillis).start()) {
            PipelineLag.GroupLag g = lag.snapshot().get(0);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (g.error().startsWith("not read yet") && System.nanoTime() < deadline) {
                Thread.sleep(50);
                g = lag.snapshot().get(0);
            }
            assertEquals("the cluster did not answer within 200 ms", g.error());
            assertEquals(-1, g.lag());
            assertTrue(g.stale());
            assertEquals(-1, lag.currentLagOf(group));
        } finally {
            quick.close(Duration.ZERO);
        }
    }

    /** A local port nothing listens on. */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /**
     * Waits until the partition's read_committed end offset is {@code expected}: a transaction's commit markers reach
     * the partitions after commitTransaction has returned, so a read at once may still see the open transaction.
     */
    private static void awaitCommittedEnd(Admin admin, TopicPartition tp, long expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long end = -1;
        while (System.nanoTime() < deadline) {
            end = admin.listOffsets(Map.of(tp, OffsetSpec.latest()), new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                    .partitionResult(tp).get().offset();
            if (end >= expected) {
                break;
            }
            Thread.sleep(20);
        }
        assertEquals(expected, end, tp + ": read_committed end offset");
    }
}
