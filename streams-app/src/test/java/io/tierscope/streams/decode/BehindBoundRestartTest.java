package io.tierscope.streams.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.avro.SampleBatch;
import io.tierscope.avro.SampleSource;
import io.tierscope.schemas.SampleCodec;
import io.tierscope.schemas.serde.InMemorySchemaRegistry;
import io.tierscope.schemas.serde.SpecificAvroSerializer;
import io.tierscope.streams.StreamsAppConfig;
import io.tierscope.streams.StreamsRunner;
import io.tierscope.streams.TierscopeTopology;
import io.tierscope.streams.TopologySerdes;
import io.tierscope.topics.DeadLetter;
import io.tierscope.topics.Topic;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "behind" bound (tierscope.input.max.behind.ms, 7 days) is measured from the newest event time a task
 * accepted. That reference is in a state store, so a restarted instance (its stores restored from the changelogs)
 * rejects what the uninterrupted one would, instead of accepting anything as its first record again.
 */
class BehindBoundRestartTest {
    private static final Instant WALL_CLOCK = Instant.parse("2026-06-01T00:00:00Z");
    private static final long NEWEST = WALL_CLOCK.toEpochMilli() - Duration.ofHours(1).toMillis();
    private static final long EIGHT_DAYS_EARLIER = NEWEST - Duration.ofDays(8).toMillis();
    private static final String CLOCK = TierscopeTopology.clockStoreOf(TierscopeTopology.DECODE_SAMPLES);

    @TempDir
    Path tmp;
    private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
    private final SpecificAvroSerializer<SampleBatch> serializer = new SpecificAvroSerializer<>(registry, true);
    private final List<TopologyTestDriver> drivers = new ArrayList<>();

    @AfterEach
    void tearDown() {
        drivers.forEach(TopologyTestDriver::close);
    }

    @Test
    void aRestartedTaskMeasuresBehindFromTheNewestEventTimeItsPredecessorAccepted() {
        TopologyTestDriver first = driver();
        assertEquals(List.of(), send(first, batch("vm-a", NEWEST)), "accepted");
        List<String> reasons = send(first, batch("vm-b", EIGHT_DAYS_EARLIER));
        assertEquals(1, reasons.size());
        assertTrue(reasons.get(0).contains("behind this task's newest " + NEWEST), reasons.get(0));

        // A new instance whose stores hold what the first one's changelogs held (as after a crash and restore).
        TopologyTestDriver restarted = driver();
        KeyValueStore<String, Long> from = first.getKeyValueStore(CLOCK);
        KeyValueStore<String, Long> to = restarted.getKeyValueStore(CLOCK);
        try (KeyValueIterator<String, Long> all = from.all()) {
            all.forEachRemaining(kv -> to.put(kv.key, kv.value));
        }
        reasons = send(restarted, batch("vm-c", EIGHT_DAYS_EARLIER));
        assertEquals(1, reasons.size(), "the restarted task still knows its clock");
        assertTrue(reasons.get(0).contains("behind this task's newest " + NEWEST), reasons.get(0));

        // Without the stored clock (what the in-memory reference gave after any restart) the same record passed.
        assertEquals(List.of(), send(driver(), batch("vm-c", EIGHT_DAYS_EARLIER)), "a task with no clock yet accepts it");
    }

    private TopologyTestDriver driver() {
        StreamsAppConfig config = new StreamsAppConfig(Duration.ofSeconds(10), Duration.ofSeconds(1), "xwr");
        TopologyTestDriver driver = new TopologyTestDriver(TierscopeTopology.build(config, new TopologySerdes(registry)),
                StreamsRunner.streamsProperties("unused:9092", "behind-it", tmp.resolve("state-" + drivers.size()), Map.of()),
                WALL_CLOCK);
        drivers.add(driver);
        return driver;
    }

    /** Pipes the batch; returns the reasons of the dead letters it caused. */
    private List<String> send(TopologyTestDriver driver, SampleBatch batch) {
        TestInputTopic<byte[], byte[]> in = driver.createInputTopic(Topic.RAW_SAMPLES.topicName(), new ByteArraySerializer(),
                new ByteArraySerializer());
        TestOutputTopic<byte[], byte[]> dead = driver.createOutputTopic(Topic.DEAD_LETTER.topicName(),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        in.pipeInput(batch.getVmId().getBytes(StandardCharsets.UTF_8),
                serializer.serialize(Topic.RAW_SAMPLES.topicName(), batch), batch.getEndTimeMs());
        List<String> reasons = new ArrayList<>();
        for (TestRecord<byte[], byte[]> r : dead.readRecordsToList()) {
            reasons.add(new String(r.headers().lastHeader(DeadLetter.REASON).value(), StandardCharsets.UTF_8));
        }
        return reasons;
    }

    private static SampleBatch batch(String vm, long endMs) {
        long[] gfns = {1, 2, 3};
        byte[] xwr = {SampleCodec.READ, SampleCodec.READ, SampleCodec.WRITE};
        return SampleBatch.newBuilder().setVmId(vm).setHost("host-1").setSource(SampleSource.SYNTHETIC).setBatchSeq(0)
                .setStartTimeMs(endMs - 100).setEndTimeMs(endMs).setSampleCount(gfns.length)
                .setSamples(SampleCodec.encode(gfns, xwr, gfns.length)).build();
    }
}
