package io.tierscope.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.avro.AdScan;
import io.tierscope.avro.SampleBatch;
import io.tierscope.avro.SampleSource;
import io.tierscope.avro.ScanSource;
import io.tierscope.platform.Platform;
import io.tierscope.platform.testing.PlatformExtension;
import io.tierscope.schemas.SampleCodec;
import io.tierscope.schemas.serde.SchemaRegistryClient;
import io.tierscope.schemas.serde.SpecificAvroSerializer;
import io.tierscope.topics.DeadLetter;
import io.tierscope.topics.Topic;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.ThreadMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The poison pills of issue 9 through the real broker (exactly-once): a sample batch and a scan
 * whose event time is two hours ahead (a host with a skewed clock), a negative drop count, a batch
 * ending before it starts, garbage bytes and a scan with bits past its page count, sent among good
 * records. The stream thread must stay the same thread (no replacement) in RUNNING, each bad record
 * must be in the dead-letter topic with its reason, and the good VMs' ingest stats, curves and
 * heat summaries must keep coming.
 */
@ExtendWith(PlatformExtension.class)
class PoisonPillBrokerIT {
    private static final long WINDOW_MS = 10_000;

    @Test
    void poisonPillsAreDeadLetteredWhileTheThreadStaysUpAndGoodVmsKeepFlowing(Platform platform, @TempDir Path stateDir)
            throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> good = List.of("good-1-" + run, "good-2-" + run);
        StreamsAppConfig config = new StreamsAppConfig(Duration.ofMillis(WINDOW_MS), Duration.ofSeconds(1), "xwr");
        Properties props = StreamsRunner.streamsProperties(platform.bootstrapServers(), "poison-it-" + run, stateDir,
                Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "200"));
        SchemaRegistryClient registry = new SchemaRegistryClient(platform.schemaRegistryUrl(), 10_000);
        SpecificAvroSerializer<SpecificRecord> serializer = new SpecificAvroSerializer<>(registry, true);

        long now = System.currentTimeMillis();
        long start = (now - 10 * 60_000) / WINDOW_MS * WINDOW_MS; // ten minutes of event time, ending before now
        Map<String, String> poisonReasons = new HashMap<>(); // key -> a fragment its reason must contain
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        long seq = 0;
        for (long t = start; t < start + 12 * WINDOW_MS; t += 1_000) {
            for (String vm : good) {
                records.add(record(serializer, Topic.RAW_SAMPLES, vm, batch(vm, seq, t, t), now));
                records.add(record(serializer, Topic.AD_SCANS, vm, scan(vm, seq, t), now));
            }
            seq++;
            if (t == start + 3 * WINDOW_MS) { // the poison, in the middle of the stream
                String future = "poison-future-" + run;
                records.add(record(serializer, Topic.RAW_SAMPLES, future, batch(future, 0, now + 7_200_000, now + 7_200_000), now));
                poisonReasons.put(future, "ahead of the wall clock");
                String futureScan = "poison-future-scan-" + run;
                records.add(record(serializer, Topic.AD_SCANS, futureScan, scan(futureScan, 0, now + 7_200_000), now));
                poisonReasons.put(futureScan, "ahead of the wall clock");
                String dropped = "poison-dropped-" + run;
                SampleBatch negative = batch(dropped, 0, t, t);
                negative.setDroppedSinceLastBatch(-5L);
                records.add(record(serializer, Topic.RAW_SAMPLES, dropped, negative, now));
                poisonReasons.put(dropped, "negative droppedSinceLastBatch -5");
                String backwards = "poison-backwards-" + run;
                records.add(record(serializer, Topic.RAW_SAMPLES, backwards, batch(backwards, 0, t, t - 5_000), now));
                poisonReasons.put(backwards, "is before startTimeMs");
                String garbage = "poison-garbage-" + run;
                records.add(new ProducerRecord<>(Topic.RAW_SAMPLES.topicName(), null, now, bytes(garbage),
                        "not avro at all".getBytes(StandardCharsets.UTF_8)));
                poisonReasons.put(garbage, "cannot decode value");
                String bits = "poison-bits-" + run;
                AdScan pastEnd = scan(bits, 0, t);
                byte[] bitmap = new byte[8];
                bitmap[7] = (byte) 0x80; // page 63, past the end of 61 pages (8 bytes hold 64 bits)
                pastEnd.setPageCount(61);
                pastEnd.setAccessed(ByteBuffer.wrap(bitmap));
                records.add(record(serializer, Topic.AD_SCANS, bits, pastEnd, now));
                poisonReasons.put(bits, "bitmap");
            }
        }

        // Earlier ITs' records on the shared inputs reach up to the wall clock: read first, they would move the task's
        // clock past this test's windows (ten minutes behind). The app reads only this test's input.
        SharedInputs.startAtEnd(platform, "poison-it-" + run);
        try (StreamsRunner runner = StreamsRunner.start(props, config, platform.schemaRegistryUrl(), 2, (short) 1,
                Duration.ofMinutes(2));
             KafkaProducer<byte[], byte[]> producer = producer(platform);
             KafkaConsumer<String, byte[]> deadLetters = reader(platform, Topic.DEAD_LETTER);
             KafkaConsumer<String, byte[]> outputs = reader(platform, Topic.INGEST_STATS, Topic.MRC_HISTORY, Topic.HEAT_SUMMARY)) {
            Set<String> threadsBefore = threadNames(runner.streams());
            for (ProducerRecord<byte[], byte[]> r : records) {
                producer.send(r);
            }
            producer.flush();

            Map<String, String> reasons = new HashMap<>();
            Map<String, Set<String>> outputTopicsPerGoodVm = new HashMap<>();
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (System.nanoTime() < deadline && !(reasons.keySet().containsAll(poisonReasons.keySet())
                    && good.stream().allMatch(vm -> outputTopicsPerGoodVm.getOrDefault(vm, Set.of()).size() == 3))) {
                for (ConsumerRecord<String, byte[]> d : deadLetters.poll(Duration.ofMillis(200))) {
                    if (d.key() != null && poisonReasons.containsKey(d.key())) {
                        Header h = d.headers().lastHeader(DeadLetter.REASON);
                        reasons.put(d.key(), h == null ? "" : new String(h.value(), StandardCharsets.UTF_8));
                    }
                    assertTrue(d.key() == null || !good.contains(d.key()), "a good VM's record was dead-lettered: " + d.key());
                }
                for (ConsumerRecord<String, byte[]> o : outputs.poll(Duration.ofMillis(200))) {
                    if (good.contains(o.key())) {
                        outputTopicsPerGoodVm.computeIfAbsent(o.key(), k -> new HashSet<>()).add(o.topic());
                    }
                }
            }
            for (Map.Entry<String, String> e : poisonReasons.entrySet()) {
                String reason = reasons.get(e.getKey());
                assertTrue(reason != null, "not dead-lettered: " + e.getKey() + " (got " + reasons.keySet() + ")");
                assertTrue(reason.contains(e.getValue()), e.getKey() + ": reason '" + reason + "' lacks '" + e.getValue() + "'");
            }
            for (String vm : good) {
                assertEquals(Set.of(Topic.INGEST_STATS.topicName(), Topic.MRC_HISTORY.topicName(), Topic.HEAT_SUMMARY.topicName()),
                        outputTopicsPerGoodVm.get(vm), "outputs of good VM " + vm);
            }
            // A single member can be between a rebalance and RUNNING at any moment: wait for RUNNING (a dead instance
            // never gets back there; a replaced thread fails the next line).
            awaitRunning(runner, Duration.ofMinutes(1));
            assertEquals(threadsBefore, threadNames(runner.streams()), "a stream thread was replaced");
        }
    }

    private static void awaitRunning(StreamsRunner runner, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (runner.state() != KafkaStreams.State.RUNNING) {
            assertTrue(runner.state().isRunningOrRebalancing(), "the instance stopped: " + runner.state());
            assertTrue(System.nanoTime() < deadline, "not RUNNING within " + timeout.toSeconds() + " s: " + runner.state());
            Thread.sleep(100);
        }
    }

    private static Set<String> threadNames(KafkaStreams streams) {
        return streams.metadataForLocalThreads().stream().map(ThreadMetadata::threadName).collect(Collectors.toSet());
    }

    static SampleBatch batch(String vm, long seq, long startMs, long endMs) {
        long[] gfns = new long[64];
        byte[] xwr = new byte[gfns.length];
        for (int i = 0; i < gfns.length; i++) {
            gfns[i] = (seq * 7 + i) % 200;
            xwr[i] = SampleCodec.READ;
        }
        return SampleBatch.newBuilder().setVmId(vm).setHost("it-host").setSource(SampleSource.SYNTHETIC).setBatchSeq(seq)
                .setStartTimeMs(startMs).setEndTimeMs(endMs).setSampleCount(gfns.length)
                .setSamples(SampleCodec.encode(gfns, xwr, gfns.length)).build();
    }

    static AdScan scan(String vm, long seq, long timeMs) {
        byte[] accessed = new byte[8];
        accessed[(int) (seq % 8)] = (byte) 0x0f;
        return AdScan.newBuilder().setVmId(vm).setHost("it-host").setSource(ScanSource.SYNTHETIC).setScanSeq(seq)
                .setTimeMs(timeMs).setPeriodMs(1000).setBaseGfn(0).setPageCount(64)
                .setAccessed(ByteBuffer.wrap(accessed)).build();
    }

    static ProducerRecord<byte[], byte[]> record(SpecificAvroSerializer<SpecificRecord> serializer, Topic topic, String key,
                                                 SpecificRecord value, long timestamp) {
        return new ProducerRecord<>(topic.topicName(), null, timestamp, bytes(key), serializer.serialize(topic.topicName(), value));
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static KafkaProducer<byte[], byte[]> producer(Platform platform) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** A read_committed consumer of {@code topics} from their start (other tests' records are filtered by key). */
    static KafkaConsumer<String, byte[]> reader(Platform platform, Topic... topics) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        List<String> names = new ArrayList<>();
        for (Topic t : topics) {
            names.add(t.topicName());
        }
        c.subscribe(names);
        return c;
    }
}
