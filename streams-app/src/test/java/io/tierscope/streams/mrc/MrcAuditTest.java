package io.tierscope.streams.mrc;

import static io.tierscope.streams.mrc.MrcTestBatches.batch;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.analytics.mrc.CacheSizeGrid;
import io.tierscope.analytics.mrc.CurveComparison;
import io.tierscope.analytics.mrc.MrcConfig;
import io.tierscope.analytics.mrc.MrcEngine;
import io.tierscope.avro.AuditStatus;
import io.tierscope.avro.CurveErrors;
import io.tierscope.avro.CurveKind;
import io.tierscope.avro.MrcAudit;
import io.tierscope.avro.SampleBatch;
import io.tierscope.schemas.SampleCodec;
import io.tierscope.schemas.serde.InMemorySchemaRegistry;
import io.tierscope.schemas.serde.SchemaRegistry;
import io.tierscope.schemas.serde.SpecificAvroDeserializer;
import io.tierscope.schemas.serde.SpecificAvroSerializer;
import io.tierscope.streams.StreamsAppConfig;
import io.tierscope.streams.TierscopeTopology;
import io.tierscope.streams.TopologySerdes;
import io.tierscope.topics.Topic;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live accuracy self-check in TopologyTestDriver with an in-memory registry: an audited VM's records
 * equal an offline comparison of a sampled and an exact engine fed the same samples; VMs not
 * audited publish none; an exact engine over its page budget is dropped and the audit says so.
 */
class MrcAuditTest {
    private static final int ALL = SampleCodec.READ | SampleCodec.WRITE | SampleCodec.EXEC;
    /** Plain SHARDS at a small sample, so the sampled curve visibly differs from the exact one. */
    private static final MrcConfig SAMPLED = MrcConfig.fixedSize(64).withHeadPages(0);

    private final SchemaRegistry registry = new InMemorySchemaRegistry();

    private TopologyTestDriver start(MrcAuditSettings audit, Path dir) {
        StreamsAppConfig config = new StreamsAppConfig(Duration.ofSeconds(10), Duration.ofSeconds(2), "xwr")
                .withMrc(new MrcSettings(SAMPLED, CurveKind.CUMULATIVE).withAudit(audit));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "mrc-audit-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
        return new TopologyTestDriver(TierscopeTopology.build(config, new TopologySerdes(registry)), props);
    }

    private static void send(TestInputTopic<byte[], byte[]> in, SpecificAvroSerializer<SampleBatch> ser, SampleBatch b) {
        in.pipeInput(b.getVmId().getBytes(StandardCharsets.UTF_8), ser.serialize(Topic.RAW_SAMPLES.topicName(), b),
                b.getEndTimeMs());
    }

    @Test
    void auditEqualsAnOfflineComparisonOfTheTwoEnginesAndOnlyAuditedVmsPublish(@TempDir Path dir) {
        SpecificAvroSerializer<SampleBatch> ser = new SpecificAvroSerializer<>(registry, true);
        MrcAuditSettings audit = MrcAuditSettings.of("vm-1");
        try (TopologyTestDriver driver = start(audit, dir)) {
            TestInputTopic<byte[], byte[]> in = driver.createInputTopic(Topic.RAW_SAMPLES.topicName(),
                    new ByteArraySerializer(), new ByteArraySerializer());
            TestOutputTopic<String, MrcAudit> out = driver.createOutputTopic(Topic.MRC_AUDIT.topicName(),
                    new StringDeserializer(), new SpecificAvroDeserializer<>(MrcAudit.class, registry));
            MrcTestBatches.Reference sampled = new MrcTestBatches.Reference("vm-1", SAMPLED, ALL);
            MrcTestBatches.Reference exact = new MrcTestBatches.Reference("vm-1", MrcConfig.exact(), ALL);
            List<List<SampleBatch>> windows = List.of(
                    List.of(batch("vm-1", 0, 2_000, 3000), batch("vm-1", 1, 9_000, 3000)),
                    List.of(batch("vm-1", 2, 14_000, 2000)),
                    List.of(batch("vm-1", 3, 25_000, 4000)));
            Map<Long, MrcAudit> expected = new java.util.HashMap<>();
            for (int w = 0; w < windows.size(); w++) {
                for (SampleBatch b : windows.get(w)) {
                    send(in, ser, b);
                    send(in, ser, SampleBatch.newBuilder(b).setVmId("vm-2").build()); // not audited
                    sampled.feed(b);
                    exact.feed(b);
                }
                if (w < windows.size() - 1) { // the next window's first batch closes this one
                    long start = windows.get(w).get(0).getEndTimeMs() / 10_000 * 10_000;
                    expected.put(start, offline(sampled.engine(), exact.engine(), start, start + 10_000));
                }
            }
            List<KeyValue<String, MrcAudit>> got = out.readKeyValuesToList();
            assertEquals(2, got.size(), "one audit per closed window of vm-1 only: " + got);
            for (KeyValue<String, MrcAudit> kv : got) {
                assertEquals("vm-1", kv.key);
                MrcAudit want = expected.get(kv.value.getWindowStartMs());
                assertEquals(want, kv.value);
                assertEquals(AuditStatus.MEASURED, kv.value.getStatus());
                assertTrue(kv.value.getWindow().getMeanAbsoluteError() > 0, "the sampled curve differs from the exact one");
            }
            MrcAudit last = got.get(got.size() - 1).value;
            double[] gauges = MrcAuditMeters.shared().latest("vm-1");
            assertArrayEquals(new double[] {last.getWindow().getMeanAbsoluteError(), last.getWindow().getMaxError(),
                    last.getWindow().getCliffError(), last.getLongCurve().getMeanAbsoluteError(),
                    last.getLongCurve().getMaxError(), last.getLongCurve().getCliffError(), last.getExactPages(), 0}, gauges);
            assertNull(MrcAuditMeters.shared().latest("vm-2"));
        }
    }

    /** What the audit must publish, from two engines fed directly: compared at 64 sizes per doubling. */
    private static MrcAudit offline(MrcEngine sampled, MrcEngine exact, long startMs, long endMs) {
        CacheSizeGrid one = CacheSizeGrid.of(1);
        double footprint = Math.max(exact.curve(MrcEngine.Histogram.CUMULATIVE, one).footprintPages(),
                sampled.curve(MrcEngine.Histogram.CUMULATIVE, one).footprintPages());
        CacheSizeGrid grid = CacheSizeGrid.logSpaced(1, Math.max(2, (long) Math.ceil(footprint)), 64);
        CurveErrors window = errors(CurveComparison.of(grid, exact.curve(MrcEngine.Histogram.WINDOW, grid),
                sampled.curve(MrcEngine.Histogram.WINDOW, grid)));
        exact.closeWindow();
        sampled.closeWindow();
        CurveErrors cumulative = errors(CurveComparison.of(grid, exact.curve(MrcEngine.Histogram.CUMULATIVE, grid),
                sampled.curve(MrcEngine.Histogram.CUMULATIVE, grid)));
        return MrcAudit.newBuilder().setVmId("vm-1").setWindowStartMs(startMs).setWindowEndMs(endMs)
                .setStatus(AuditStatus.MEASURED).setExactPages(exact.trackedPages())
                .setMaxPages(MrcAuditSettings.DEFAULT_MAX_PAGES).setSamplingRate(sampled.samplingRate())
                .setReferenceRate(1.0).setWindow(window).setLongCurveKind("CUMULATIVE").setLongCurve(cumulative).build();
    }

    private static CurveErrors errors(CurveComparison c) {
        return new CurveErrors(c.meanAbsoluteError(), c.maxError(), c.maxErrorAtPages(), c.cliffError(),
                c.cliffErrorAtPages(), c.meanCliffError(), c.cliffLevels());
    }

    @Test
    void exactEngineOverItsBudgetIsDroppedAndEveryLaterWindowSaysSo(@TempDir Path dir) {
        SpecificAvroSerializer<SampleBatch> ser = new SpecificAvroSerializer<>(registry, true);
        try (TopologyTestDriver driver = start(MrcAuditSettings.parse("k", "1", 200), dir)) {
            TestInputTopic<byte[], byte[]> in = driver.createInputTopic(Topic.RAW_SAMPLES.topicName(),
                    new ByteArraySerializer(), new ByteArraySerializer());
            TestOutputTopic<String, MrcAudit> out = driver.createOutputTopic(Topic.MRC_AUDIT.topicName(),
                    new StringDeserializer(), new SpecificAvroDeserializer<>(MrcAudit.class, registry));
            // About 300 hot pages in the first batch already: over a budget of 200.
            send(in, ser, batch("vm-9", 0, 2_000, 3000));
            send(in, ser, batch("vm-9", 1, 14_000, 3000));
            send(in, ser, batch("vm-9", 2, 24_000, 3000));
            List<MrcAudit> got = out.readValuesToList();
            assertEquals(2, got.size());
            for (MrcAudit a : got) {
                assertEquals(AuditStatus.OVER_BUDGET, a.getStatus());
                assertNull(a.getWindow());
                assertNull(a.getLongCurve());
                assertEquals(200, a.getMaxPages());
                assertTrue(a.getExactPages() > 200, "pages when dropped: " + a.getExactPages());
            }
            assertEquals(1.0, MrcAuditMeters.shared().latest("vm-9")[7]);
        }
    }
}
