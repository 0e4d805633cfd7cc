package io.tierscope.streams.mrc;

import static io.tierscope.streams.mrc.MrcTestBatches.assertSameCurve;
import static io.tierscope.streams.mrc.MrcTestBatches.batch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.analytics.mrc.MrcConfig;
import io.tierscope.analytics.mrc.MrcEngine;
import io.tierscope.avro.CurveKind;
import io.tierscope.avro.MissRatioCurve;
import io.tierscope.avro.SampleBatch;
import io.tierscope.platform.Platform;
import io.tierscope.platform.testing.PlatformExtension;
import io.tierscope.schemas.SampleCodec;
import io.tierscope.schemas.serde.SchemaRegistryClient;
import io.tierscope.schemas.serde.SpecificAvroDeserializer;
import io.tierscope.schemas.serde.SpecificAvroSerializer;
import io.tierscope.streams.StreamsAppConfig;
import io.tierscope.streams.StreamsRunner;
import io.tierscope.topics.Topic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The MRC topology on the real broker with exactly-once: three VMs over several windows, the
 * instance stopped mid-stream, its local state wiped, and a new instance restored from the
 * changelogs; what consumers see (read_committed) equals engines fed directly, once each.
 */
@ExtendWith(PlatformExtension.class)
class MrcBrokerIT {
    private static final MrcConfig SAMPLING = MrcConfig.fixedSize(300);
    private static final List<String> VMS = List.of("it-vm-1", "it-vm-2", "it-vm-3");
    private static final int ALL = SampleCodec.READ | SampleCodec.WRITE | SampleCodec.EXEC;
    private static final int WINDOWS = 5;

    @Test
    void aRestartWithWipedLocalStateIsRestoredFromTheChangelogsAndPublishesEachCurveOnce(Platform platform,
                                                                                        @TempDir Path stateDir)
            throws Exception {
        StreamsAppConfig config = new StreamsAppConfig(Duration.ofSeconds(10), Duration.ofSeconds(1), "xwr")
                .withMrc(new MrcSettings(SAMPLING, CurveKind.CUMULATIVE));
        Properties props = StreamsRunner.streamsProperties(platform.bootstrapServers(), "mrc-it-" + UUID.randomUUID(),
                stateDir, Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "200",
                        // The first instance stays in the group like a crashed one: its successor waits this long.
                        StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), "6000",
                        StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), "1000"));
        SchemaRegistryClient registry = new SchemaRegistryClient(platform.schemaRegistryUrl(), 10_000);

        // Per VM, 4 batches per 10 s window; the window after the last is opened (not closed) by the final batch.
        List<SampleBatch> input = new ArrayList<>();
        long seq = 0;
        for (long t = 1_000; t <= WINDOWS * 10_000L + 1_000; t += 2_500) {
            for (String vm : VMS) {
                input.add(batch(vm, seq++, t + vm.charAt(6) * 10, 700));
            }
        }
        Map<String, List<io.tierscope.analytics.mrc.MissRatioCurve>> expected = expectedCurves(input);
        int expectedRecords = VMS.size() * WINDOWS * 2;
        int half = input.size() / 2;

        try (KafkaProducer<String, SampleBatch> producer = producer(platform, registry);
             KafkaConsumer<String, byte[]> history = committedReader(platform, Topic.MRC_HISTORY);
             KafkaConsumer<String, byte[]> latest = committedReader(platform, Topic.MRC_LATEST)) {
            List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
            try (StreamsRunner first = StreamsRunner.start(props, config, platform.schemaRegistryUrl(), 2, (short) 1,
                    Duration.ofMinutes(1))) {
                send(producer, input.subList(0, half));
                readUntil(history, seen, 4, Duration.ofSeconds(30)); // some windows are out: stop mid-stream
                first.streams().close(Duration.ofSeconds(30)); // without leaving the group
                first.streams().cleanUp();
            }
            assertFalse(hasStoreFiles(stateDir), "local state wiped");
            try (StreamsRunner second = StreamsRunner.start(props, config, platform.schemaRegistryUrl(), 2, (short) 1,
                    Duration.ofMinutes(1))) {
                send(producer, input.subList(half, input.size()));
                readUntil(history, seen, expectedRecords, Duration.ofSeconds(60));
                readUntil(history, seen, expectedRecords + 1, Duration.ofSeconds(2)); // anything twice would show here
            }
            assertEquals(expectedRecords, seen.size(), "each curve exactly once");

            SpecificAvroDeserializer<MissRatioCurve> de = new SpecificAvroDeserializer<>(MissRatioCurve.class, registry);
            Map<String, List<MissRatioCurve>> byVm = new LinkedHashMap<>();
            for (ConsumerRecord<String, byte[]> r : seen) {
                byVm.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(de.deserialize(r.topic(), r.value()));
            }
            for (String vm : VMS) {
                List<MissRatioCurve> got = byVm.get(vm);
                List<io.tierscope.analytics.mrc.MissRatioCurve> want = expected.get(vm);
                assertEquals(want.size(), got.size(), vm);
                for (int i = 0; i < got.size(); i++) {
                    assertEquals(i % 2 == 0 ? CurveKind.WINDOW : CurveKind.CUMULATIVE, got.get(i).getKind(), vm + " #" + i);
                    assertEquals((i / 2) * 10_000L, got.get(i).getWindowStartMs(), vm + " #" + i);
                    assertSameCurve(want.get(i), got.get(i));
                }
            }
            List<ConsumerRecord<String, byte[]>> latestSeen = new ArrayList<>();
            readUntil(latest, latestSeen, VMS.size() * WINDOWS, Duration.ofSeconds(10));
            Map<String, MissRatioCurve> newest = new LinkedHashMap<>();
            latestSeen.forEach(r -> newest.put(r.key(), de.deserialize(r.topic(), r.value())));
            for (String vm : VMS) {
                assertEquals((WINDOWS - 1) * 10_000L, newest.get(vm).getWindowStartMs());
                assertSameCurve(expected.get(vm).get(2 * WINDOWS - 1), newest.get(vm));
            }
        }
    }

    /** Per VM: the WINDOW then CUMULATIVE curve of each closed window, from engines fed directly. */
    private static Map<String, List<io.tierscope.analytics.mrc.MissRatioCurve>> expectedCurves(List<SampleBatch> input) {
        Map<String, MrcTestBatches.Reference> refs = new LinkedHashMap<>();
        Map<String, Long> open = new LinkedHashMap<>();
        Map<String, List<io.tierscope.analytics.mrc.MissRatioCurve>> out = new LinkedHashMap<>();
        for (SampleBatch b : input) {
            String vm = b.getVmId();
            MrcTestBatches.Reference ref = refs.computeIfAbsent(vm, k -> new MrcTestBatches.Reference(k, SAMPLING, ALL));
            long window = b.getEndTimeMs() / 10_000;
            Long current = open.put(vm, window);
            if (current != null && current != window) {
                out.computeIfAbsent(vm, k -> new ArrayList<>()).addAll(List.of(ref.close(MrcEngine.Histogram.CUMULATIVE)));
            }
            ref.feed(b);
        }
        return out;
    }

    private static KafkaProducer<String, SampleBatch> producer(Platform platform, SchemaRegistryClient registry) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p, new StringSerializer(), new SpecificAvroSerializer<>(registry, true));
    }

    private static void send(KafkaProducer<String, SampleBatch> producer, List<SampleBatch> batches) {
        for (SampleBatch b : batches) {
            producer.send(new ProducerRecord<>(Topic.RAW_SAMPLES.topicName(), null, b.getEndTimeMs(), b.getVmId(), b));
        }
        producer.flush();
    }

    private static KafkaConsumer<String, byte[]> committedReader(Platform platform, Topic topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer());
        c.assign(List.of(new TopicPartition(topic.topicName(), 0), new TopicPartition(topic.topicName(), 1)));
        c.seekToBeginning(c.assignment());
        return c;
    }

    private static void readUntil(KafkaConsumer<String, byte[]> consumer, List<ConsumerRecord<String, byte[]>> into,
                                  int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (into.size() < count && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(into::add);
        }
    }

    private static boolean hasStoreFiles(Path stateDir) throws java.io.IOException {
        try (Stream<Path> files = Files.walk(stateDir)) {
            return files.anyMatch(p -> p.toString().contains(MrcProcessor.ENGINES_STORE));
        }
    }
}
