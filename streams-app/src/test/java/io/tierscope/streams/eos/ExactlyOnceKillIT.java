package io.tierscope.streams.eos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.tierscope.avro.AdScan;
import io.tierscope.avro.SampleBatch;
import io.tierscope.avro.SampleSource;
import io.tierscope.avro.ScanSource;
import io.tierscope.platform.Platform;
import io.tierscope.platform.testing.PlatformExtension;
import io.tierscope.schemas.SampleCodec;
import io.tierscope.schemas.serde.SchemaRegistryClient;
import io.tierscope.schemas.serde.SpecificAvroSerializer;
import io.tierscope.streams.SharedInputs;
import io.tierscope.topics.EndOfInput;
import io.tierscope.topics.Topic;
import io.tierscope.topics.TopicProvisioner;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once as a test. The same deterministic input (by default 16 VMs, 1,024,000 samples in 4,096 batches and
 * 1,024 A/D scans) is processed twice by the real {@code streams} command in a JVM of its own: once without
 * interruption, once SIGKILLed several times mid-run (the second restart with its state directory wiped, so that
 * the stores are rebuilt from the changelogs). The committed outputs (read_committed) of the two runs, MRC history,
 * heat summaries, heat changes and ingest stats, must be equal record for record, per key in order. Each VM's
 * last batch and scan carry the {@link EndOfInput} marker, so its last windows are closed and compared too.
 *
 * <p>Sizes come from system properties so that {@code -Psoak} runs a longer campaign: {@code eos.vms},
 * {@code eos.batches.per.vm}, {@code eos.samples.per.batch}, {@code eos.kills}.
 */
@ExtendWith(PlatformExtension.class)
class ExactlyOnceKillIT {
    private static final long WINDOW_MS = 10_000;
    private static final int SCAN_PAGES = 4096;
    private static final List<Topic> COMPARED = List.of(Topic.MRC_HISTORY, Topic.HEAT_SUMMARY, Topic.HEAT_CHANGES,
            Topic.INGEST_STATS);

    private final int vms = Integer.getInteger("eos.vms", 16);
    private final int batchesPerVm = Integer.getInteger("eos.batches.per.vm", 256);
    private final int samplesPerBatch = Integer.getInteger("eos.samples.per.batch", 250);
    private final int kills = Integer.getInteger("eos.kills", 3);

    @Test
    void outputsOfARunKilledMidwayEqualThoseOfAnUninterruptedRun(Platform platform, @TempDir Path work) throws Exception {
        String tag = "eos-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        try (Admin admin = admin(platform)) {
            new TopicProvisioner(admin, 3, (short) 1).ensureAll();
        }
        // Both runs start where this test's input starts: the input topics also hold earlier ITs' records, whose
        // clocks (up to the wall clock, 2 h ahead of this input) would drive the tasks' stream time (SharedInputs).
        Map<TopicPartition, Long> inputStart = SharedInputs.endOffsets(platform);
        long t0 = produceInput(platform, tag);
        List<TopicPartition> inputs = partitions(platform, List.of(Topic.RAW_SAMPLES, Topic.AD_SCANS));
        Map<TopicPartition, Long> inputEnd = endOffsets(platform, inputs);
        Path config = work.resolve("streams.properties");
        Files.writeString(config, String.join("\n",
                "tierscope.mrc.sampling=size:1024",
                "tierscope.mrc.head.pages=1024",
                "commit.interval.ms=500",
                // A killed member holds its partitions until its session times out: keep the restarts short.
                "session.timeout.ms=10000",
                // Wait for every partition of a task to have data before picking the next record by time, so that
                // the order records are processed in (and hence stream time) does not depend on fetch timing.
                "max.task.idle.ms=5000",
                "") + "\n");

        // Generous waits (the box is shared), growing with the input for the soak campaign.
        Duration patience = Duration.ofMinutes(10L * Math.max(1, (long) vms * batchesPerVm * samplesPerBatch / 1_024_000));

        // Run 1: uninterrupted.
        long started = System.nanoTime();
        String refApp = tag + "reference";
        SharedInputs.startAt(platform, refApp, inputStart);
        try (Child ref = Child.start(platform, refApp, work.resolve("state-ref"), config, work.resolve("ref.log"))) {
            awaitCaughtUp(platform, refApp, inputEnd, ref, patience);
            ref.stop();
        }
        long referenceSeconds = (System.nanoTime() - started) / 1_000_000_000;
        List<TopicPartition> outputs = partitions(platform, COMPARED);
        Map<TopicPartition, Long> boundary = endOffsets(platform, outputs);

        // Run 2: the same input, SIGKILLed `kills` times at evenly spaced points of its progress.
        started = System.nanoTime();
        String app = tag + "killed";
        SharedInputs.startAt(platform, app, inputStart);
        Path state = work.resolve("state-killed");
        Path log = work.resolve("killed.log");
        long first = inputStart.values().stream().mapToLong(Long::longValue).sum();
        long total = inputEnd.values().stream().mapToLong(Long::longValue).sum();
        int survived = 0;
        Child child = Child.start(platform, app, state, config, log);
        try {
            for (int k = 1; k <= kills; k++) {
                long target = first + (total - first) * k / (kills + 1);
                awaitProgress(platform, app, inputs, target, child, patience);
                if (committed(platform, app, inputs) >= total) {
                    fail("run 2 finished before kill " + k + "; make the input larger");
                }
                child.kill();
                survived++;
                if (k == 2) {
                    deleteTree(state); // a lost disk: every store is restored from its changelog
                }
                child = Child.start(platform, app, state, config, log);
            }
            awaitCaughtUp(platform, app, inputEnd, child, patience);
            child.stop();
        } finally {
            child.close();
        }
        long killedSeconds = (System.nanoTime() - started) / 1_000_000_000;

        Map<TopicPartition, Long> end = endOffsets(platform, outputs);
        Map<String, Map<String, List<String>>> reference = new TreeMap<>();
        Map<String, Map<String, List<String>>> killed = new TreeMap<>();
        readOutputs(platform, tag, outputs, boundary, end, reference, killed);
        long compared = 0;
        for (Topic topic : COMPARED) {
            Map<String, List<String>> expected = reference.getOrDefault(topic.topicName(), Map.of());
            Map<String, List<String>> actual = killed.getOrDefault(topic.topicName(), Map.of());
            long records = expected.values().stream().mapToLong(List::size).sum();
            assertTrue(records > 0, "the reference run wrote nothing to " + topic.topicName());
            assertEquals(expected.keySet(), actual.keySet(), topic.topicName() + ": keys");
            for (String key : expected.keySet()) {
                List<String> e = expected.get(key);
                List<String> a = actual.get(key);
                assertEquals(e.size(), a.size(), topic.topicName() + " key " + key + ": record count");
                for (int i = 0; i < e.size(); i++) {
                    assertEquals(e.get(i), a.get(i), topic.topicName() + " key " + key + ": record " + i + " differs");
                }
            }
            compared += records;
            System.out.printf("eos: %s: %d records over %d keys equal%n", topic.topicName(), records, expected.size());
        }
        // The end-of-input markers closed every VM's last window: each has all its windows' ingest stats.
        long windowsPerVm = (batchesPerVm * 1000L + WINDOW_MS - 1) / WINDOW_MS;
        for (List<String> stats : reference.get(Topic.INGEST_STATS.topicName()).values()) {
            assertEquals(windowsPerVm, stats.size(), "ingest-stats windows of a VM");
        }
        assertEquals(vms, reference.get(Topic.INGEST_STATS.topicName()).size(), "VMs with ingest stats");
        assertEquals(kills, survived);
        System.out.printf("eos: %d VMs, %d samples in %d batches, %d scans, window starting %d; %d SIGKILLs (one with the"
                        + " state dir wiped); %d output records equal; uninterrupted run %d s, killed run %d s%n",
                vms, (long) vms * batchesPerVm * samplesPerBatch, vms * batchesPerVm, vms * batchesPerVm / 4, t0,
                survived, compared, referenceSeconds, killedSeconds);
    }

    /** Produces every VM's batches (one a second) and scans (one every 4 s), interleaved in event time. */
    private long produceInput(Platform platform, String tag) {
        SpecificAvroSerializer<SpecificRecord> serializer =
                new SpecificAvroSerializer<>(new SchemaRegistryClient(platform.schemaRegistryUrl(), 10_000), true);
        // Event time well behind the wall clock (the input bound is 1 h ahead) and aligned to a window.
        long t0 = (System.currentTimeMillis() - 2 * 3600_000L) / WINDOW_MS * WINDOW_MS;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, "4194304");
        Random[] random = new Random[vms];
        for (int v = 0; v < vms; v++) {
            random[v] = new Random(1000 + v);
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < batchesPerVm; i++) {
                long start = t0 + i * 1000L;
                for (int v = 0; v < vms; v++) {
                    String vm = tag + "vm-" + v;
                    SampleBatch batch = batch(vm, i, start, start + 999, random[v]);
                    // Each VM's last batch and last scan end its input: its last windows close too, and are compared.
                    producer.send(new ProducerRecord<>(Topic.RAW_SAMPLES.topicName(), null, start + 999,
                            vm.getBytes(StandardCharsets.UTF_8), serializer.serialize(Topic.RAW_SAMPLES.topicName(), batch),
                            endOfInput(i == batchesPerVm - 1)));
                    if (i % 4 == 3) {
                        AdScan scan = scan(vm, i / 4, start + 999, random[v]);
                        producer.send(new ProducerRecord<>(Topic.AD_SCANS.topicName(), null, start + 999,
                                vm.getBytes(StandardCharsets.UTF_8), serializer.serialize(Topic.AD_SCANS.topicName(), scan),
                                endOfInput(i + 4 >= batchesPerVm)));
                    }
                }
            }
            producer.flush();
        }
        return t0;
    }

    private static RecordHeaders endOfInput(boolean last) {
        RecordHeaders headers = new RecordHeaders();
        if (last) {
            headers.add(EndOfInput.HEADER, new byte[0]);
        }
        return headers;
    }

    /** Samples of a skewed working set: most references go to a VM's hot pages, the rest spread over 64k pages. */
    private SampleBatch batch(String vm, long seq, long startMs, long endMs, Random random) {
        long[] gfns = new long[samplesPerBatch];
        byte[] xwr = new byte[samplesPerBatch];
        long phase = seq / 64 * 512; // the hot set moves every 64 s
        for (int i = 0; i < gfns.length; i++) {
            gfns[i] = random.nextInt(10) < 8 ? phase + random.nextInt(2048) : random.nextInt(65_536);
            xwr[i] = (byte) (random.nextBoolean() ? SampleCodec.READ : SampleCodec.WRITE);
        }
        return SampleBatch.newBuilder().setVmId(vm).setHost("eos-host").setSource(SampleSource.SYNTHETIC).setBatchSeq(seq)
                .setStartTimeMs(startMs).setEndTimeMs(endMs).setSampleCount(gfns.length)
                .setSamples(SampleCodec.encode(gfns, xwr, gfns.length)).build();
    }

    private static AdScan scan(String vm, long seq, long timeMs, Random random) {
        byte[] accessed = new byte[SCAN_PAGES / 8];
        int hot = (int) (seq / 16 % 4); // the hot quarter moves every 16 scans
        for (int i = 0; i < accessed.length; i++) {
            boolean inHot = i / (accessed.length / 4) == hot;
            accessed[i] = (byte) (inHot ? random.nextInt(256) | 0x0f : random.nextInt(32) == 0 ? 1 : 0);
        }
        return AdScan.newBuilder().setVmId(vm).setHost("eos-host").setSource(ScanSource.SYNTHETIC).setScanSeq(seq)
                .setTimeMs(timeMs).setPeriodMs(4000).setBaseGfn(0).setPageCount(SCAN_PAGES)
                .setAccessed(ByteBuffer.wrap(accessed)).build();
    }

    /**
     * Reads every output record of this test's VMs up to {@code end}; those before {@code boundary} are the
     * reference run's, the others run 2's. Values kept as hex so that the comparison is byte for byte.
     */
    private static void readOutputs(Platform platform, String tag, List<TopicPartition> outputs,
                                    Map<TopicPartition, Long> boundary, Map<TopicPartition, Long> end,
                                    Map<String, Map<String, List<String>>> reference,
                                    Map<String, Map<String, List<String>>> killed) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "4194304");
        HexFormat hex = HexFormat.of();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            c.assign(outputs);
            c.seekToBeginning(outputs);
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (outputs.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    fail("outputs not read to their end within 3 minutes");
                }
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    if (r.key() == null || !r.key().startsWith(tag)) {
                        continue;
                    }
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    Map<String, Map<String, List<String>>> run = r.offset() < boundary.get(tp) ? reference : killed;
                    run.computeIfAbsent(r.topic(), t -> new TreeMap<>()).computeIfAbsent(r.key(), k -> new ArrayList<>())
                            .add(r.value() == null ? "tombstone" : hex.formatHex(r.value()));
                }
            }
        }
    }

    private static void awaitCaughtUp(Platform platform, String app, Map<TopicPartition, Long> end, Child child,
                                      Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<TopicPartition, Long> at = committedOffsets(platform, app, end.keySet());
            if (end.entrySet().stream().allMatch(e -> at.getOrDefault(e.getKey(), 0L) >= e.getValue())) {
                return;
            }
            child.assertAlive();
            if (System.nanoTime() > deadline) {
                fail(app + " did not process its input within " + timeout.toMinutes() + " min (committed " + at
                        + ", end " + end + "); log " + child.log);
            }
            Thread.sleep(250);
        }
    }

    private static void awaitProgress(Platform platform, String app, List<TopicPartition> inputs, long target,
                                      Child child, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (committed(platform, app, inputs) < target) {
            child.assertAlive();
            if (System.nanoTime() > deadline) {
                fail(app + " did not reach " + target + " committed input records within " + timeout.toMinutes()
                        + " min; log " + child.log);
            }
            Thread.sleep(100);
        }
    }

    private static long committed(Platform platform, String app, List<TopicPartition> inputs) throws Exception {
        return committedOffsets(platform, app, Set.copyOf(inputs)).values().stream().mapToLong(Long::longValue).sum();
    }

    private static Map<TopicPartition, Long> committedOffsets(Platform platform, String app, Set<TopicPartition> of)
            throws Exception {
        try (Admin admin = admin(platform)) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(app)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, Long> out = new HashMap<>();
            offsets.forEach((tp, om) -> {
                if (om != null && of.contains(tp)) {
                    out.put(tp, om.offset());
                }
            });
            return out;
        }
    }

    private static List<TopicPartition> partitions(Platform platform, List<Topic> topics) throws Exception {
        try (Admin admin = admin(platform)) {
            List<TopicPartition> out = new ArrayList<>();
            admin.describeTopics(topics.stream().map(Topic::topicName).toList()).allTopicNames().get(30, TimeUnit.SECONDS)
                    .forEach((name, d) -> d.partitions().forEach(p -> out.add(new TopicPartition(name, p.partition()))));
            return out;
        }
    }

    private static Map<TopicPartition, Long> endOffsets(Platform platform, List<TopicPartition> partitions) throws Exception {
        try (Admin admin = admin(platform)) {
            return admin.listOffsets(partitions.stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest())))
                    .all().get(30, TimeUnit.SECONDS).entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        }
    }

    private static Admin admin(Platform platform) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
        return Admin.create(p);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** One {@code streams} process on the test's classpath; its stdin is its lifeline to this JVM. */
    private static final class Child implements AutoCloseable {
        final Process process;
        final Path log;

        private Child(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        static Child start(Platform platform, String app, Path state, Path config, Path log) throws IOException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = List.of(java, "-Xmx512m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                    StreamsChild.class.getName(), "--bootstrap-servers", platform.bootstrapServers(),
                    "--schema-registry", platform.schemaRegistryUrl(), "--application-id", app,
                    "--state-dir", state.toString(), "--window-seconds", "10", "--grace-seconds", "30",
                    "--partitions", "3", "--config", config.toString());
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            return new Child(process, log);
        }

        void assertAlive() throws IOException {
            if (!process.isAlive()) {
                List<String> lines = Files.readAllLines(log);
                fail("the streams process exited with " + process.exitValue() + "; log tail:\n"
                        + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
            }
        }

        /** SIGKILL: no shutdown hook, no commit, no leaving the group. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor();
        }

        /** SIGTERM: the command closes Kafka Streams cleanly. */
        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor();
            }
        }
    }
}
