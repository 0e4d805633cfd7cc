package io.tierscope.streams.heat;

import static io.tierscope.streams.heat.Scans.scan;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.analytics.heat.ChunkHeat;
import io.tierscope.analytics.heat.GapPolicy;
import io.tierscope.analytics.heat.HeatBit;
import io.tierscope.analytics.heat.HeatState;
import io.tierscope.analytics.heat.HeatTable;
import io.tierscope.avro.AdScan;
import io.tierscope.avro.HeatSummary;
import io.tierscope.platform.Platform;
import io.tierscope.platform.testing.PlatformExtension;
import io.tierscope.schemas.serde.SchemaRegistryClient;
import io.tierscope.schemas.serde.SpecificAvroDeserializer;
import io.tierscope.schemas.serde.SpecificAvroSerializer;
import io.tierscope.streams.SharedInputs;
import io.tierscope.streams.StreamsAppConfig;
import io.tierscope.streams.StreamsRunner;
import io.tierscope.streams.heat.cli.HeatCommand;
import io.tierscope.streams.heat.query.PageHeatReader;
import io.tierscope.topics.Topic;
import io.tierscope.topics.TopicProvisioner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Scans through the real broker: StreamsRunner (exactly-once) -> read_committed summaries; the
 * page order answered from the compacted topic by the CLI; an instance restarted on an empty state
 * directory (state restored from the changelogs) carries on from the same heat states.
 */
@ExtendWith(PlatformExtension.class)
class HeatPipelineIT {
    private static final int PAGES = 96; // chunks of 64: one full, one of 32 pages
    private static final int[] HOT = {3, 4, 5, 70, 71};

    @TempDir
    Path tmp;

    @Test
    void scansThroughTheBrokerBecomeSummariesAndPageOrdersAndSurviveARestartOnEmptyState(Platform platform) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String vm = "heat-it-" + run;
        StreamsAppConfig config = new StreamsAppConfig(Duration.ofSeconds(10), Duration.ofSeconds(1), "xwr")
                .withHeat(new HeatConfig(64, HeatTable.fsm5(), GapPolicy.IDLE, Duration.ofMinutes(10), 3));
        SchemaRegistryClient registry = new SchemaRegistryClient(platform.schemaRegistryUrl(), 10_000);
        ChunkHeat[] expected = {new ChunkHeat(HeatTable.fsm5(), GapPolicy.IDLE, 0, 64),
                new ChunkHeat(HeatTable.fsm5(), GapPolicy.IDLE, 64, 32)};

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers()))) {
            new TopicProvisioner(admin, 2, (short) 1).ensureAll(); // before the reader subscribes: no auto-created topics
        }
        // Its scans are timed from 1970: read after earlier ITs' records (wall-clock times) they would be dead-lettered
        // as more than tierscope.input.max.behind.ms behind the task's clock. The app starts after them (SharedInputs).
        SharedInputs.startAt(platform, "heat-it-" + run, SharedInputs.endOffsets(platform));
        try (KafkaProducer<String, byte[]> producer = producer(platform);
             KafkaConsumer<String, byte[]> summaries = committedReader(platform, Topic.HEAT_SUMMARY)) {
            SpecificAvroSerializer<AdScan> serializer = new SpecificAvroSerializer<>(registry, true);
            SpecificAvroDeserializer<HeatSummary> summaryDe = new SpecificAvroDeserializer<>(HeatSummary.class, registry);

            try (StreamsRunner runner = start(platform, config, run, tmp.resolve("state-1"))) {
                for (int seq = 0; seq <= 10; seq++) { // [0, 10 s): HOT every period, page 90 once
                    int[] accessed = seq == 4 ? append(HOT, 90) : HOT;
                    send(producer, serializer, scan(vm, seq, 1_000 + seq * 900L, 0, PAGES, accessed, null), expected);
                }
                HeatSummary first = awaitSummary(summaries, summaryDe, vm);
                assertEquals(0, first.getWindowStartMs());
                assertEquals(Map.of("frigid", 91L, "frigid-test", 0L, "warm-test", 0L, "warm", 0L, "sizzle", 5L),
                        first.getPagesPerState(), "page 90: warm-test, then frigid-test, then frigid again");
                assertEquals(List.of(3L, 4L, 5L), first.getHottestGfns());
                assertEquals(6, first.getTouchedPages());
                assertEquals(10, first.getScansApplied(), "the scan of [10 s, 20 s) triggered the summary");

                String[] order = heatOrder(platform, vm, "--hottest", "--limit", "6");
                assertEquals(List.of("3", "4", "5", "70", "71", "0"), List.of(order));
                String[] coldest = heatOrder(platform, vm, "--coldest", "--limit", "0");
                assertEquals(PAGES, coldest.length);
                assertEquals(List.of("3", "4", "5", "70", "71"), List.of(coldest).subList(PAGES - 5, PAGES));

                StringWriter err = new StringWriter();
                int code = new CommandLine(new HeatCommand()).setErr(new PrintWriter(err)).execute("order", "--vm", vm + "-x",
                        "--hottest", "--bootstrap-servers", platform.bootstrapServers(), "--schema-registry", platform.schemaRegistryUrl());
                assertEquals(1, code);
                assertTrue(err.toString().contains("no published page heat for VM '" + vm + "-x'"), err.toString());
            }

            // A new instance on an empty state dir: its stores come back from the changelogs.
            try (StreamsRunner runner = start(platform, config, run, tmp.resolve("state-2"))) {
                for (int seq = 11; seq <= 22; seq++) { // [10 s, 20 s): pages 3 and 70 cool down, 90 warms up
                    int[] accessed = seq % 2 == 0 ? new int[] {4, 5, 71, 90} : new int[] {4, 5, 71, 90, 3};
                    send(producer, serializer, scan(vm, seq, 1_000 + seq * 900L, 0, PAGES, accessed, null), expected);
                }
                HeatSummary second = awaitSummary(summaries, summaryDe, vm);
                assertEquals(10_000, second.getWindowStartMs());
                assertEquals(countsOf(expected), second.getPagesPerState(),
                        "the restored states went on exactly like the reference engines");
                assertEquals(0, second.getDuplicateScans());
            }
        }
    }

    private static StreamsRunner start(Platform platform, StreamsAppConfig config, String run, Path stateDir)
            throws InterruptedException {
        Properties props = StreamsRunner.streamsProperties(platform.bootstrapServers(), "heat-it-" + run, stateDir,
                // Streams members do not leave the group on close: a short session lets the restart rebalance in ~6 s, not 45.
                Map.of("commit.interval.ms", "200", "consumer.session.timeout.ms", "6000",
                        "consumer.heartbeat.interval.ms", "1000"));
        return StreamsRunner.start(props, config, platform.schemaRegistryUrl(), 2, (short) 1, Duration.ofMinutes(2));
    }

    private static void send(KafkaProducer<String, byte[]> producer, SpecificAvroSerializer<AdScan> serializer, AdScan s,
                             ChunkHeat[] expected) throws Exception {
        producer.send(new ProducerRecord<>(Topic.AD_SCANS.topicName(), s.getVmId(),
                serializer.serialize(Topic.AD_SCANS.topicName(), s))).get();
        if (s.getTimeMs() < 20_000) { // the scan that closes the second window is not part of its states
            byte[] all = HeatPipelineIT.bytes(s);
            expected[0].apply(s.getScanSeq(), Arrays.copyOf(all, 8), null);
            expected[1].apply(s.getScanSeq(), Arrays.copyOfRange(all, 8, 12), null);
        }
    }

    private static byte[] bytes(AdScan s) {
        return HeatScanChecks.bytes(s.getAccessed());
    }

    private static Map<String, Long> countsOf(ChunkHeat[] chunks) {
        Map<String, Long> out = new HashMap<>();
        for (int state = 0; state < HeatState.COUNT; state++) {
            long n = 0;
            for (ChunkHeat c : chunks) {
                n += c.stateCounts(HeatBit.ACCESSED)[state];
            }
            out.put(HeatState.name(state), n);
        }
        return out;
    }

    private static int[] append(int[] a, int v) {
        int[] out = Arrays.copyOf(a, a.length + 1);
        out[a.length] = v;
        return out;
    }

    private static String[] heatOrder(Platform platform, String vm, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new HeatCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
        List<String> all = new ArrayList<>(List.of("order", "--vm", vm, "--bootstrap-servers", platform.bootstrapServers(),
                "--schema-registry", platform.schemaRegistryUrl()));
        all.addAll(List.of(args));
        int code = cli.execute(all.toArray(String[]::new));
        assertEquals(0, code, err.toString());
        assertTrue(err.toString().contains("VM " + vm + ", " + PAGES + " pages in 2 chunks (fsm5)"), err.toString());
        return out.toString().trim().split("\\R");
    }

    private static HeatSummary awaitSummary(KafkaConsumer<String, byte[]> consumer, SpecificAvroDeserializer<HeatSummary> de,
                                            String vm) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                if (vm.equals(r.key())) {
                    return de.deserialize(r.topic(), r.value());
                }
            }
        }
        throw new AssertionError("no heat summary for " + vm + " within 90 s");
    }

    private static KafkaProducer<String, byte[]> producer(Platform platform) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<String, byte[]> committedReader(Platform platform, Topic topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "heat-it-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic.topicName()));
        return consumer;
    }
}
