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
import io.tierscope.streams.SharedInputs;
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
        String app = "mrc-it-" + UUID.randomUUID();
        SharedInputs.startAtEnd(platform, app); // the shared broker's inputs hold other tests' clocks
        Properties props = StreamsRunner.streamsProperties(platform.bootstrapServers(), app,
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

    @Test
    void anExactVmWhoseStateOutgrowsAMebibyteKeepsPublishing(Platform platform, @TempDir Path stateDir) throws Exception {
        // 400K pages reused at every distance in exact mode: the VM's engine snapshot, one store record, is megabytes, past the
        // 1 MiB a producer request and a topic take by default. Refused, it aborted every transaction of the task.
        String run = UUID.randomUUID().toString().substring(0, 8);
        String vm = "big-exact-" + run;
        String app = "mrc-big-it-" + run;
        StreamsAppConfig config = new StreamsAppConfig(Duration.ofSeconds(10), Duration.ofSeconds(1), "xwr")
                .withMrc(new MrcSettings(MrcConfig.exact(), CurveKind.CUMULATIVE));
        SharedInputs.startAtEnd(platform, app); // the shared broker's inputs hold other tests' clocks
        Properties props = StreamsRunner.streamsProperties(platform.bootstrapServers(), app, stateDir,
                Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "200"));
        SchemaRegistryClient registry = new SchemaRegistryClient(platform.schemaRegistryUrl(), 10_000);
        long t0 = 10_000_000L;
        int perBatch = 50_000;
        try (StreamsRunner streams = StreamsRunner.start(props, config, platform.schemaRegistryUrl(), 2, (short) 1,
                Duration.ofMinutes(1));
             KafkaProducer<String, SampleBatch> producer = producer(platform, registry);
             KafkaConsumer<String, byte[]> history = allPartitionsReader(platform, Topic.MRC_HISTORY)) {
            List<String> threads = threadNames(streams);
            // 400K distinct pages touched once, then again in a shuffled order: reuse distances of every length, so
            // each histogram keeps a count for each of ~400K distances.
            long[] order = new long[8 * perBatch];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            java.util.SplittableRandom random = new java.util.SplittableRandom(42);
            for (int i = order.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                long swap = order[i];
                order[i] = order[j];
                order[j] = swap;
            }
            List<SampleBatch> input = new ArrayList<>();
            for (int b = 0; b < 16; b++) {
                long[] pages = new long[perBatch];
                for (int i = 0; i < perBatch; i++) {
                    pages[i] = b < 8 ? (long) b * perBatch + i : order[(b - 8) * perBatch + i];
                }
                input.add(pages(vm, b, t0 + 500 + b * 500L, pages));
            }
            input.add(pages(vm, 16, t0 + 15_000, new long[] {0})); // closes the first window
            send(producer, input);
            List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (seen.stream().filter(r -> vm.equals(r.key())).count() < 2 && System.nanoTime() < deadline) {
                history.poll(Duration.ofMillis(200)).forEach(seen::add);
            }
            SpecificAvroDeserializer<MissRatioCurve> de = new SpecificAvroDeserializer<>(MissRatioCurve.class, registry);
            List<MissRatioCurve> curves = seen.stream().filter(r -> vm.equals(r.key()))
                    .map(r -> de.deserialize(r.topic(), r.value())).toList();
            assertEquals(2, curves.size(), "the window's curve and the cumulative one are published");
            assertEquals(t0, curves.get(0).getWindowStartMs());
            MissRatioCurve window = curves.get(0);
            assertEquals(8L * perBatch, window.getSampledPages(), "every distinct page is tracked, exactly");
            assertEquals(16L * perBatch, window.getReferences());
            assertEquals(0.5, window.getPoints().get(window.getPoints().size() - 1).getMissRatio(), 1e-9,
                    "at the footprint only the first touches miss");
            assertEquals(threads, threadNames(streams), "no stream thread died and was replaced");
        }
    }

    /** One read of each of {@code pages}, in order. */
    private static SampleBatch pages(String vm, long seq, long endMs, long[] pages) {
        byte[] xwr = new byte[pages.length];
        java.util.Arrays.fill(xwr, (byte) SampleCodec.READ);
        return SampleBatch.newBuilder().setVmId(vm).setHost("h1").setSource(io.tierscope.avro.SampleSource.SYNTHETIC)
                .setBatchSeq(seq).setStartTimeMs(endMs - 500).setEndTimeMs(endMs).setSampleCount(pages.length)
                .setSamples(SampleCodec.encode(pages, xwr, pages.length)).build();
    }

    private static List<String> threadNames(StreamsRunner streams) {
        return streams.streams().metadataForLocalThreads().stream()
                .map(org.apache.kafka.streams.ThreadMetadata::threadName).sorted().toList();
    }

    private static KafkaConsumer<String, byte[]> allPartitionsReader(Platform platform, Topic topic) {
        KafkaConsumer<String, byte[]> c = committedReader(platform, topic);
        c.assign(c.partitionsFor(topic.topicName()).stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList());
        c.seekToEnd(c.assignment());
        c.assignment().forEach(c::position); // resolve the end now: only curves published from here on count
        return c;
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
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                if (VMS.contains(r.key())) { // the topics are shared with the other tests
                    into.add(r);
                }
            }
        }
    }

    private static boolean hasStoreFiles(Path stateDir) throws java.io.IOException {
        try (Stream<Path> files = Files.walk(stateDir)) {
            return files.anyMatch(p -> p.toString().contains(MrcProcessor.ENGINES_STORE));
        }
    }
}
