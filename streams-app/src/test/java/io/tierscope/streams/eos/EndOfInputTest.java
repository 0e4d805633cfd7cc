package io.tierscope.streams.eos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.avro.AdScan;
import io.tierscope.avro.CurveKind;
import io.tierscope.avro.HeatSummary;
import io.tierscope.avro.IngestStats;
import io.tierscope.avro.MissRatioCurve;
import io.tierscope.avro.SampleBatch;
import io.tierscope.avro.SampleSource;
import io.tierscope.avro.ScanSource;
import io.tierscope.schemas.SampleCodec;
import io.tierscope.schemas.serde.InMemorySchemaRegistry;
import io.tierscope.schemas.serde.SchemaRegistry;
import io.tierscope.schemas.serde.SpecificAvroDeserializer;
import io.tierscope.schemas.serde.SpecificAvroSerializer;
import io.tierscope.streams.StreamsAppConfig;
import io.tierscope.streams.TierscopeTopology;
import io.tierscope.streams.TopologySerdes;
import io.tierscope.topics.EndOfInput;
import io.tierscope.topics.Topic;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A VM's last batch and last scan marked {@link EndOfInput} close its open windows at once: ingest stats, MRC
 * curves and the heat summary of the last window come out with no later event time, while an unmarked VM's
 * last window stays open (waiting for event time to pass its end plus grace).
 */
class EndOfInputTest {
    @Test
    void markedLastRecordsCloseTheVmsOpenWindowsAndOnlyThose(@TempDir Path state) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "end-of-input-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        StreamsAppConfig config = new StreamsAppConfig(Duration.ofSeconds(10), Duration.ofSeconds(2), "xwr");
        SchemaRegistry registry = new InMemorySchemaRegistry();
        SpecificAvroSerializer<SpecificRecord> serializer = new SpecificAvroSerializer<>(registry, true);
        try (TopologyTestDriver driver = new TopologyTestDriver(
                TierscopeTopology.build(config, new TopologySerdes(registry)), props)) {
            TestInputTopic<byte[], byte[]> samples = driver.createInputTopic(Topic.RAW_SAMPLES.topicName(),
                    new ByteArraySerializer(), new ByteArraySerializer());
            TestInputTopic<byte[], byte[]> scans = driver.createInputTopic(Topic.AD_SCANS.topicName(),
                    new ByteArraySerializer(), new ByteArraySerializer());
            var ingest = driver.createOutputTopic(Topic.INGEST_STATS.topicName(), new StringDeserializer(),
                    new io.tierscope.schemas.serde.SpecificAvroDeserializer<>(IngestStats.class, registry));
            var curves = driver.createOutputTopic(Topic.MRC_HISTORY.topicName(), new StringDeserializer(),
                    new SpecificAvroDeserializer<>(MissRatioCurve.class, registry));
            var summaries = driver.createOutputTopic(Topic.HEAT_SUMMARY.topicName(), new StringDeserializer(),
                    new SpecificAvroDeserializer<>(HeatSummary.class, registry));

            for (int i = 0; i < 3; i++) {
                for (String vm : List.of("vm-ending", "vm-running")) {
                    boolean last = i == 2 && vm.equals("vm-ending");
                    long t = 1_000 + i * 3_000L;
                    samples.pipeInput(record(serializer, Topic.RAW_SAMPLES, vm, batch(vm, i, t), t, last));
                    scans.pipeInput(record(serializer, Topic.AD_SCANS, vm, scan(vm, i, t), t, last));
                }
            }

            List<TestRecord<String, IngestStats>> stats = ingest.readRecordsToList();
            assertEquals(1, stats.size(), "only the marked VM's window: " + stats);
            assertEquals("vm-ending", stats.get(0).key());
            assertEquals(0, stats.get(0).value().getWindowStartMs());
            assertEquals(3, stats.get(0).value().getBatches());
            assertEquals(3 * 64, stats.get(0).value().getSamples());

            List<TestRecord<String, MissRatioCurve>> history = curves.readRecordsToList();
            assertEquals(2, history.size(), "the window's curve and the cumulative one: " + history);
            assertTrue(history.stream().allMatch(r -> r.key().equals("vm-ending") && r.value().getWindowStartMs() == 0));
            assertEquals(CurveKind.WINDOW, history.get(0).value().getKind());
            assertEquals(3 * 64, history.get(0).value().getReferences());

            List<TestRecord<String, HeatSummary>> heat = summaries.readRecordsToList();
            assertEquals(1, heat.size(), "the marked VM's heat summary: " + heat);
            assertEquals("vm-ending", heat.get(0).key());
            assertEquals(0, heat.get(0).value().getWindowStartMs());

            // The running VM's window closes as usual once event time passes its end plus grace.
            long t = 13_000;
            samples.pipeInput(record(serializer, Topic.RAW_SAMPLES, "vm-running", batch("vm-running", 3, t), t, false));
            scans.pipeInput(record(serializer, Topic.AD_SCANS, "vm-running", scan("vm-running", 3, t), t, false));
            assertTrue(ingest.readRecordsToList().stream().anyMatch(r -> r.key().equals("vm-running")));
            assertTrue(curves.readRecordsToList().stream().allMatch(r -> r.key().equals("vm-running")));
        }
    }

    private static TestRecord<byte[], byte[]> record(SpecificAvroSerializer<SpecificRecord> serializer, Topic topic,
                                                     String vm, SpecificRecord value, long time, boolean last) {
        RecordHeaders headers = new RecordHeaders();
        if (last) {
            headers.add(EndOfInput.HEADER, new byte[0]);
        }
        return new TestRecord<>(vm.getBytes(StandardCharsets.UTF_8), serializer.serialize(topic.topicName(), value),
                headers, time);
    }

    private static SampleBatch batch(String vm, long seq, long endMs) {
        long[] gfns = new long[64];
        byte[] xwr = new byte[gfns.length];
        for (int i = 0; i < gfns.length; i++) {
            gfns[i] = (seq * 7 + i) % 100;
            xwr[i] = SampleCodec.READ;
        }
        return SampleBatch.newBuilder().setVmId(vm).setHost("it-host").setSource(SampleSource.SYNTHETIC).setBatchSeq(seq)
                .setStartTimeMs(endMs - 500).setEndTimeMs(endMs).setSampleCount(gfns.length)
                .setSamples(SampleCodec.encode(gfns, xwr, gfns.length)).build();
    }

    private static AdScan scan(String vm, long seq, long timeMs) {
        byte[] accessed = new byte[8];
        accessed[(int) (seq % 8)] = (byte) 0x0f;
        return AdScan.newBuilder().setVmId(vm).setHost("it-host").setSource(ScanSource.SYNTHETIC).setScanSeq(seq)
                .setTimeMs(timeMs).setPeriodMs(1000).setBaseGfn(0).setPageCount(64)
                .setAccessed(ByteBuffer.wrap(accessed)).build();
    }
}
