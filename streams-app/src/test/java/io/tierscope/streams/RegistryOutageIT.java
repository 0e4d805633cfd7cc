package io.tierscope.streams;

import static io.tierscope.streams.PoisonPillBrokerIT.batch;
import static io.tierscope.streams.PoisonPillBrokerIT.producer;
import static io.tierscope.streams.PoisonPillBrokerIT.reader;
import static io.tierscope.streams.PoisonPillBrokerIT.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tierscope.avro.IngestStats;
import io.tierscope.platform.EmbeddedPlatform;
import io.tierscope.platform.Platform;
import io.tierscope.platform.testing.PlatformExtension;
import io.tierscope.schemas.serde.SchemaRegistryClient;
import io.tierscope.schemas.serde.SpecificAvroDeserializer;
import io.tierscope.schemas.serde.SpecificAvroSerializer;
import io.tierscope.streams.registry.RegistryHealth;
import io.tierscope.topics.Topic;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A schema registry outage on the real broker and registry: records flow; the registry stops; more
 * records (serialised earlier, with schema ids the registry knows) arrive and a fresh instance of
 * the app, whose schema cache is empty, starts on them; it must wait (registry health down), not
 * dead-letter; the registry comes back and every window of every VM is published, each once, with
 * all its batches, and nothing is in the dead-letter topic.
 */
@ExtendWith(PlatformExtension.class)
class RegistryOutageIT {
    private static final long WINDOW_MS = 10_000;

    @Test
    void recordsWaitForTheRegistryAndNoneIsDeadLettered(Platform platform, @TempDir Path stateDir) throws Exception {
        assumeTrue(platform instanceof EmbeddedPlatform, "needs the embedded platform (to stop its registry)");
        EmbeddedPlatform embedded = (EmbeddedPlatform) platform;
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> vms = List.of("outage-1-" + run, "outage-2-" + run);
        StreamsAppConfig config = new StreamsAppConfig(Duration.ofMillis(WINDOW_MS), Duration.ofSeconds(1), "xwr");
        Properties props = StreamsRunner.streamsProperties(platform.bootstrapServers(), "outage-it-" + run, stateDir,
                Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "200"));
        SchemaRegistryClient registry = new SchemaRegistryClient(platform.schemaRegistryUrl(), 10_000);
        SpecificAvroSerializer<SpecificRecord> serializer = new SpecificAvroSerializer<>(registry, true);

        // Everything serialised while the registry is up: 10 batches per VM and window, windows 0-6, then one
        // batch at 7.5 windows that closes window 6.
        long start = (System.currentTimeMillis() - 10 * 60_000) / WINDOW_MS * WINDOW_MS;
        List<ProducerRecord<byte[], byte[]>> before = new ArrayList<>();
        List<ProducerRecord<byte[], byte[]>> during = new ArrayList<>();
        long seq = 0;
        for (long t = start; t < start + 7 * WINDOW_MS; t += 1_000) {
            for (String vm : vms) {
                (t < start + 3 * WINDOW_MS ? before : during).add(record(serializer, Topic.RAW_SAMPLES, vm, batch(vm, seq, t, t), t));
            }
            seq++;
        }
        for (String vm : vms) {
            long t = start + 7 * WINDOW_MS + WINDOW_MS / 2;
            during.add(record(serializer, Topic.RAW_SAMPLES, vm, batch(vm, seq, t, t), t));
        }

        // Earlier ITs' records on the shared inputs reach up to the wall clock: read first, they would move the task's
        // clock past these windows (ten minutes behind), and every batch here would be counted late, in no window.
        SharedInputs.startAtEnd(platform, "outage-it-" + run);
        Map<String, Map<Long, Long>> batchesPerWindow = new TreeMap<>(); // vm -> window start -> batches
        SpecificAvroDeserializer<IngestStats> statsReader = new SpecificAvroDeserializer<>(IngestStats.class, registry);
        try (KafkaProducer<byte[], byte[]> producer = producer(platform)) {
            try (StreamsRunner first = StreamsRunner.start(props, config, platform.schemaRegistryUrl(), 2, (short) 1,
                    Duration.ofMinutes(2));
                 KafkaConsumer<String, byte[]> stats = reader(platform, Topic.INGEST_STATS)) {
                send(producer, before);
                awaitCondition(Duration.ofMinutes(3), "windows 0 and 1 before the outage", () -> {
                    collect(stats, statsReader, vms, batchesPerWindow);
                    return vms.stream().allMatch(vm -> batchesPerWindow.getOrDefault(vm, Map.of()).size() >= 2);
                });
            }

            embedded.stopRegistry();
            try {
                send(producer, during);
                try (StreamsRunner second = StreamsRunner.start(props, config, platform.schemaRegistryUrl(), 2, (short) 1,
                        Duration.ofMinutes(2));
                     KafkaConsumer<String, byte[]> stats = reader(platform, Topic.INGEST_STATS);
                     KafkaConsumer<String, byte[]> deadLetters = reader(platform, Topic.DEAD_LETTER)) {
                    RegistryHealth health = second.registryHealth();
                    awaitCondition(Duration.ofMinutes(2), "the new instance waiting for the registry",
                            () -> !health.up() && health.failedCalls() >= 3);
                    assertTrue(health.describe(System.currentTimeMillis()).contains(platform.schemaRegistryUrl()),
                            health.describe(System.currentTimeMillis()));
                    assertNoDeadLetters(deadLetters, vms, Duration.ofSeconds(2));

                    embedded.startRegistry();
                    batchesPerWindow.clear(); // read everything again: each window must be there exactly once
                    awaitCondition(Duration.ofMinutes(3), "windows 0-6 after the outage", () -> {
                        collect(stats, statsReader, vms, batchesPerWindow);
                        return vms.stream().allMatch(vm -> batchesPerWindow.getOrDefault(vm, Map.of()).size() >= 7);
                    });
                    assertTrue(health.up(), health.describe(System.currentTimeMillis()));
                    assertTrue(health.outages() >= 1);
                    assertNoDeadLetters(deadLetters, vms, Duration.ofSeconds(2));
                }
            } finally {
                if (!embedded.registryRunning()) {
                    embedded.startRegistry(); // the other tests of this JVM share the platform
                }
            }
        }
        for (String vm : vms) {
            Map<Long, Long> windows = batchesPerWindow.get(vm);
            assertEquals(7, windows.size(), vm + ": " + windows);
            for (long w = 0; w < 7; w++) {
                assertEquals(10L, windows.get(start + w * WINDOW_MS), vm + " window " + w + ": " + windows);
            }
        }
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, List<ProducerRecord<byte[], byte[]>> records) {
        records.forEach(producer::send);
        producer.flush();
    }

    /** Adds the ingest stats of {@code vms} read now; a window seen twice fails the test (exactly-once). */
    private static void collect(KafkaConsumer<String, byte[]> stats, SpecificAvroDeserializer<IngestStats> de,
                                List<String> vms, Map<String, Map<Long, Long>> into) {
        for (ConsumerRecord<String, byte[]> r : stats.poll(Duration.ofMillis(300))) {
            if (vms.contains(r.key())) {
                IngestStats s = de.deserialize(r.topic(), r.value());
                Long previous = into.computeIfAbsent(r.key(), k -> new TreeMap<>()).put(s.getWindowStartMs(), s.getBatches());
                assertEquals(null, previous, r.key() + " window " + s.getWindowStartMs() + " published twice");
            }
        }
    }

    private static void assertNoDeadLetters(KafkaConsumer<String, byte[]> deadLetters, List<String> vms, Duration during) {
        long deadline = System.nanoTime() + during.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> d : deadLetters.poll(Duration.ofMillis(200))) {
                assertFalse(vms.contains(d.key()), "dead-lettered: " + d.key() + " at offset " + d.offset());
            }
        }
    }

    private static void awaitCondition(Duration timeout, String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(100);
        }
    }
}
