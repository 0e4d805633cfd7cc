package io.tierscope.streams;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.avro.IngestStats;
import io.tierscope.avro.SampleBatch;
import io.tierscope.avro.SampleSource;
import io.tierscope.schemas.SampleCodec;
import io.tierscope.schemas.serde.InMemorySchemaRegistry;
import io.tierscope.schemas.serde.SchemaRegistry;
import io.tierscope.schemas.serde.SpecificAvroDeserializer;
import io.tierscope.schemas.serde.SpecificAvroSerializer;
import io.tierscope.topics.DeadLetter;
import io.tierscope.topics.Topic;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The spine (decode -> windowed ingest stats, bad input -> dead letter) in TopologyTestDriver, with an in-memory registry. */
class IngestStatsTopologyTest {
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> samples;
    private TestOutputTopic<String, IngestStats> stats;
    private TestOutputTopic<byte[], byte[]> deadLetters;
    private SpecificAvroSerializer<SampleBatch> serializer;

    @BeforeEach
    void setUp() {
        SchemaRegistry registry = new InMemorySchemaRegistry();
        StreamsAppConfig config = new StreamsAppConfig(Duration.ofSeconds(10), Duration.ofSeconds(2), "xwr");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "ingest-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(TierscopeTopology.build(config, new TopologySerdes(registry)), props);
        serializer = new SpecificAvroSerializer<>(registry, true);
        samples = driver.createInputTopic(Topic.RAW_SAMPLES.topicName(), new ByteArraySerializer(), new ByteArraySerializer());
        SpecificAvroDeserializer<IngestStats> statsDe = new SpecificAvroDeserializer<>(IngestStats.class, registry);
        stats = driver.createOutputTopic(Topic.INGEST_STATS.topicName(), new StringDeserializer(), statsDe);
        deadLetters = driver.createOutputTopic(Topic.DEAD_LETTER.topicName(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    @Test
    void countsPerVmAndWindowAndEmitsWhenTheWindowCloses() {
        send(batch("vm-1", 0, 1_000, 100, 0));
        send(batch("vm-2", 0, 2_000, 50, 3));
        send(batch("vm-1", 1, 9_000, 10, 2));
        assertTrue(stats.isEmpty(), "nothing before the window closes");
        send(batch("vm-1", 2, 11_500, 1, 0)); // stream time 11.5 s: window [0,10) still in grace
        assertTrue(stats.isEmpty(), "nothing during the grace period");
        send(batch("vm-2", 1, 12_000, 1, 0)); // stream time 12 s: [0,10) closes
        Map<String, IngestStats> first = stats.readKeyValuesToMap();
        assertEquals(2, first.size());
        IngestStats vm1 = first.get("vm-1");
        assertEquals(0, vm1.getWindowStartMs());
        assertEquals(10_000, vm1.getWindowEndMs());
        assertEquals(2, vm1.getBatches());
        assertEquals(110, vm1.getSamples());
        assertEquals(2, vm1.getDroppedAtSource());
        assertEquals(1, first.get("vm-2").getBatches());
        assertEquals(3, first.get("vm-2").getDroppedAtSource());
    }

    @Test
    void lateBatchesAreCountedIntoTheNextWindowNotDropped() {
        send(batch("vm-1", 0, 1_000, 5, 0));
        send(batch("vm-1", 1, 12_000, 5, 0)); // closes [0,10)
        assertEquals(1, stats.readRecordsToList().size());
        send(batch("vm-1", 2, 3_000, 5, 0));  // late for [0,10)
        send(batch("vm-1", 3, 22_000, 5, 0)); // closes [10,20)
        List<TestRecord<String, IngestStats>> next = stats.readRecordsToList();
        assertEquals(1, next.size());
        assertEquals(10_000, next.get(0).value().getWindowStartMs());
        assertEquals(1, next.get(0).value().getBatches());
        assertEquals(1, next.get(0).value().getLateBatches());
    }

    @Test
    void windowsFollowTheBatchesEventTimeNotTheKafkaTimestamp() {
        long sendTime = 1_700_000_000_000L; // a producer stamping its send time, far after the event times
        samples.pipeInput(key("vm-1"), serializer.serialize(Topic.RAW_SAMPLES.topicName(), batch("vm-1", 0, 1_000, 7, 0)), sendTime);
        samples.pipeInput(key("vm-1"), serializer.serialize(Topic.RAW_SAMPLES.topicName(), batch("vm-1", 1, 5_000, 3, 0)), sendTime + 1);
        assertTrue(stats.isEmpty(), "the window is not closed by the Kafka timestamps");
        samples.pipeInput(key("vm-1"), serializer.serialize(Topic.RAW_SAMPLES.topicName(), batch("vm-1", 2, 12_500, 1, 0)), sendTime + 2);
        List<TestRecord<String, IngestStats>> out = stats.readRecordsToList();
        assertEquals(1, out.size());
        assertEquals(2, out.get(0).value().getBatches());
        assertEquals(10, out.get(0).value().getSamples());
        assertEquals(0, out.get(0).value().getLateBatches());
    }

    private static byte[] key(String vm) {
        return vm.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void undecodableAndInconsistentInputGoesToTheDeadLetterTopicWithTheReason() {
        byte[] garbage = {9, 9, 9};
        samples.pipeInput("vm-1".getBytes(StandardCharsets.UTF_8), garbage, 1_000);
        SampleBatch bad = batch("vm-1", 0, 1_000, 4, 0);
        bad.setSampleCount(5); // 32 bytes of samples but a count of 5
        byte[] badBytes = serializer.serialize(Topic.RAW_SAMPLES.topicName(), bad);
        samples.pipeInput("vm-1".getBytes(StandardCharsets.UTF_8), badBytes, 1_000);
        byte[] otherKey = serializer.serialize(Topic.RAW_SAMPLES.topicName(), batch("vm-9", 0, 1_000, 1, 0));
        samples.pipeInput("vm-1".getBytes(StandardCharsets.UTF_8), otherKey, 1_000);

        List<TestRecord<byte[], byte[]>> dlq = deadLetters.readRecordsToList();
        assertEquals(3, dlq.size());
        assertArrayEquals(garbage, dlq.get(0).value(), "original bytes kept");
        assertTrue(reason(dlq.get(0)).contains("cannot decode value"), reason(dlq.get(0)));
        assertEquals(Topic.RAW_SAMPLES.topicName(), header(dlq.get(0), DeadLetter.SOURCE_TOPIC));
        assertArrayEquals(badBytes, dlq.get(1).value());
        assertTrue(reason(dlq.get(1)).contains("sampleCount 5 needs 40"), reason(dlq.get(1)));
        assertTrue(reason(dlq.get(2)).contains("differs from vmId 'vm-9'"), reason(dlq.get(2)));
        send(batch("vm-1", 1, 30_000, 1, 0));
        assertTrue(stats.isEmpty(), "rejected input is not counted");
    }

    private void send(SampleBatch b) {
        samples.pipeInput(b.getVmId().getBytes(StandardCharsets.UTF_8),
                serializer.serialize(Topic.RAW_SAMPLES.topicName(), b), b.getEndTimeMs());
    }

    private static String reason(TestRecord<byte[], byte[]> r) {
        return header(r, DeadLetter.REASON);
    }

    private static String header(TestRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    static SampleBatch batch(String vm, long seq, long endMs, int n, long dropped) {
        long[] gfns = new long[n];
        byte[] xwr = new byte[n];
        for (int i = 0; i < n; i++) {
            gfns[i] = i;
            xwr[i] = SampleCodec.READ;
        }
        ByteBuffer packed = SampleCodec.encode(gfns, xwr, n);
        return SampleBatch.newBuilder().setVmId(vm).setHost("h").setSource(SampleSource.SYNTHETIC).setBatchSeq(seq)
                .setStartTimeMs(Math.max(0, endMs - 100)).setEndTimeMs(endMs).setSampleCount(n).setSamples(packed)
                .setDroppedSinceLastBatch(dropped).build();
    }
}
