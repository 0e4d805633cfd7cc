package io.tierscope.streams.mrc;

import static io.tierscope.streams.mrc.MrcTestBatches.assertSameCurve;
import static io.tierscope.streams.mrc.MrcTestBatches.batch;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.analytics.mrc.MrcConfig;
import io.tierscope.analytics.mrc.MrcEngine;
import io.tierscope.streams.state.SnapshotOnCommitStore;
import io.tierscope.avro.CurveKind;
import io.tierscope.avro.MissRatioCurve;
import io.tierscope.avro.SampleBatch;
import io.tierscope.schemas.SampleCodec;
import io.tierscope.schemas.serde.InMemorySchemaRegistry;
import io.tierscope.schemas.serde.SchemaRegistry;
import io.tierscope.schemas.serde.SpecificAvroDeserializer;
import io.tierscope.schemas.serde.SpecificAvroSerializer;
import io.tierscope.streams.StreamsAppConfig;
import io.tierscope.streams.TierscopeTopology;
import io.tierscope.streams.TopologySerdes;
import io.tierscope.streams.window.VmWindow;
import io.tierscope.topics.Topic;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MRC branch in TopologyTestDriver with an in-memory registry: windows, VMs, filter, lateness, punctuation, restore. */
class MrcTopologyTest {
    private static final String APP = "mrc-test";
    private static final MrcConfig EXACT = MrcConfig.exact();
    private static final int ALL = SampleCodec.READ | SampleCodec.WRITE | SampleCodec.EXEC;

    private SchemaRegistry registry;
    private SpecificAvroSerializer<SampleBatch> serializer;
    private SpecificAvroDeserializer<MissRatioCurve> curveDe;
    private final List<TopologyTestDriver> drivers = new ArrayList<>();

    @BeforeEach
    void setUp() {
        registry = new InMemorySchemaRegistry();
        serializer = new SpecificAvroSerializer<>(registry, true);
        curveDe = new SpecificAvroDeserializer<>(MissRatioCurve.class, registry);
    }

    @AfterEach
    void tearDown() {
        drivers.forEach(TopologyTestDriver::close);
    }

    /** One driver = one instance of the app on {@code stateDir}. */
    private final class Run {
        final TopologyTestDriver driver;
        final TestInputTopic<byte[], byte[]> samples;
        final TestOutputTopic<String, MissRatioCurve> history;
        final TestOutputTopic<String, MissRatioCurve> latest;

        Run(StreamsAppConfig config, Path stateDir) {
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, APP);
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
            driver = new TopologyTestDriver(TierscopeTopology.build(config, new TopologySerdes(registry)), props);
            drivers.add(driver);
            samples = driver.createInputTopic(Topic.RAW_SAMPLES.topicName(), new ByteArraySerializer(), new ByteArraySerializer());
            history = driver.createOutputTopic(Topic.MRC_HISTORY.topicName(), new StringDeserializer(), curveDe);
            latest = driver.createOutputTopic(Topic.MRC_LATEST.topicName(), new StringDeserializer(), curveDe);
        }

        void send(SampleBatch b) {
            samples.pipeInput(b.getVmId().getBytes(StandardCharsets.UTF_8),
                    serializer.serialize(Topic.RAW_SAMPLES.topicName(), b), b.getEndTimeMs());
        }

        List<MissRatioCurve> historyCurves() {
            List<MissRatioCurve> out = new ArrayList<>();
            history.readValuesToList().forEach(out::add);
            return out;
        }
    }

    private static StreamsAppConfig config(String filter, MrcSettings mrc) {
        return new StreamsAppConfig(Duration.ofSeconds(10), Duration.ofSeconds(2), filter).withMrc(mrc);
    }

    private static StreamsAppConfig exact() {
        return config("xwr", new MrcSettings(EXACT, CurveKind.CUMULATIVE));
    }

    @Test
    void eachWindowEmitsItsOwnCurveAndTheCumulativeOneBothEqualToAnEngineFedDirectly(@TempDir Path dir) {
        Run run = new Run(exact(), dir);
        MrcTestBatches.Reference ref = new MrcTestBatches.Reference("vm-1", EXACT, ALL);
        List<SampleBatch> first = List.of(batch("vm-1", 0, 2_000, 3000), batch("vm-1", 1, 9_000, 3000));
        List<SampleBatch> second = List.of(batch("vm-1", 2, 14_000, 2000));
        first.forEach(run::send);
        assertTrue(run.history.isEmpty(), "nothing while [0, 10 s) is open");
        first.forEach(ref::feed);
        var w1 = ref.close(MrcEngine.Histogram.CUMULATIVE);

        second.forEach(run::send); // a batch of [10 s, 20 s) closes [0, 10 s)
        second.forEach(ref::feed);
        run.send(batch("vm-1", 3, 21_000, 10));
        var w2 = ref.close(MrcEngine.Histogram.CUMULATIVE);

        List<MissRatioCurve> h = run.historyCurves();
        assertEquals(4, h.size());
        assertCurve(h.get(0), "vm-1", CurveKind.WINDOW, 0, 10_000);
        assertSameCurve(w1[0], h.get(0));
        assertCurve(h.get(1), "vm-1", CurveKind.CUMULATIVE, 0, 10_000);
        assertSameCurve(w1[1], h.get(1));
        assertCurve(h.get(2), "vm-1", CurveKind.WINDOW, 10_000, 20_000);
        assertSameCurve(w2[0], h.get(2));
        assertSameCurve(w2[1], h.get(3));
        assertEquals(6000, h.get(0).getReferences());
        assertEquals(8000, h.get(3).getReferences(), "cumulative spans both windows");
        assertTrue(h.get(2).getColdMisses() < h.get(0).getColdMisses(), "the stack lives on: fewer first touches");
        assertEquals(ref.trackedPages(), h.get(3).getSampledPages());
        assertEquals("xwr", h.get(0).getAccessFilter());
        assertEquals(4096, h.get(0).getPageSizeBytes());

        List<KeyValue<String, MissRatioCurve>> latest = run.latest.readKeyValuesToList();
        assertEquals(2, latest.size());
        assertEquals("vm-1", latest.get(1).key);
        assertEquals(h.get(3), latest.get(1).value);
    }

    /**
     * An engine cache of one engine, with three VMs taking turns, evicts on nearly every batch: each VM's engine is
     * read back from the store and the curves must equal those of a run whose cache holds every engine.
     */
    @Test
    void anEngineCacheSmallerThanTheVmsGivesTheSameCurves(@TempDir Path small, @TempDir Path large) {
        MrcSettings sampled = new MrcSettings(MrcConfig.fixedSize(256), CurveKind.CUMULATIVE);
        Run evicting = new Run(config("xwr", sampled.withCachedEngines(1)), small);
        Run caching = new Run(config("xwr", sampled.withCachedEngines(100)), large);
        List<String> vms = List.of("vm-a", "vm-b", "vm-c");
        int seq = 0;
        for (int w = 0; w < 4; w++) {
            for (int b = 0; b < 3; b++) {
                for (String vm : vms) {
                    SampleBatch batch = batch(vm, seq++, w * 10_000L + 1_000 + b * 2_000, 1500);
                    evicting.send(batch);
                    caching.send(batch);
                }
            }
        }
        List<MissRatioCurve> expected = caching.historyCurves();
        assertEquals(3 * 3 * 2, expected.size(), "three closed windows of three VMs, two curves each");
        assertEquals(expected, evicting.historyCurves());
    }

    /**
     * Batches pre-filtered by the collector at R: an exact engine becomes a fixed-rate-R sampler with the
     * true totals (equal to a fixed-rate-R engine fed the unfiltered batches); when R falls midway the
     * lowest rate wins (equal to an engine told each batch's rate and fed the unfiltered batches).
     */
    @Test
    void prefilteredBatchesGiveTheCurvesOfASamplerAtThePrefilterRate(@TempDir Path dir) {
        Run run = new Run(exact(), dir);
        // A declared pre-filter ends the exact head: the match is the plain SHARDS sampler at R.
        MrcTestBatches.Reference steady = new MrcTestBatches.Reference("vm-p",
                MrcConfig.fixedRate(0.25).withHeadPages(0), ALL);
        MrcTestBatches.Reference changing = new MrcTestBatches.Reference("vm-q", EXACT, ALL);
        double[] qRates = {0.5, 0.5, 0.125, 0.5};
        List<io.tierscope.analytics.mrc.MissRatioCurve[]> expectedP = new ArrayList<>();
        List<io.tierscope.analytics.mrc.MissRatioCurve[]> expectedQ = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
            if (w > 0) {
                expectedP.add(steady.close(MrcEngine.Histogram.CUMULATIVE));
                expectedQ.add(changing.close(MrcEngine.Histogram.CUMULATIVE));
            }
            SampleBatch p = batch("vm-p", w, w * 10_000L + 5_000, 4000);
            SampleBatch q = batch("vm-q", w, w * 10_000L + 5_000, 4000);
            run.send(MrcTestBatches.prefiltered(p, 0.25));
            run.send(MrcTestBatches.prefiltered(q, qRates[w]));
            steady.feed(p);
            changing.engine().declarePrefilterRate(qRates[w]);
            changing.feed(q);
        }
        List<MissRatioCurve> h = run.historyCurves();
        assertEquals(12, h.size());
        for (int w = 0; w < 3; w++) {
            List<MissRatioCurve> ofP = h.stream().filter(c -> c.getVmId().equals("vm-p")).toList();
            List<MissRatioCurve> ofQ = h.stream().filter(c -> c.getVmId().equals("vm-q")).toList();
            assertSameCurve(expectedP.get(w)[0], ofP.get(2 * w));
            assertSameCurve(expectedP.get(w)[1], ofP.get(2 * w + 1));
            assertSameCurve(expectedQ.get(w)[0], ofQ.get(2 * w));
            assertSameCurve(expectedQ.get(w)[1], ofQ.get(2 * w + 1));
            assertEquals(0.25, ofP.get(2 * w).getSamplingRate(), 1e-12);
            assertEquals(4000L * (w + 1), ofP.get(2 * w + 1).getReferences(), "every reference counted, kept or not");
            assertEquals(w < 2 ? 0.5 : 0.125, ofQ.get(2 * w + 1).getSamplingRate(), 1e-12, "lowest rate so far");
        }
    }

    /** With an access filter, removed samples are counted in the proportion of the batch's kept samples that pass it. */
    @Test
    void prefilteredSamplesCountInTheAccessFiltersProportion(@TempDir Path dir) {
        Run run = new Run(config("w", new MrcSettings(EXACT, CurveKind.CUMULATIVE)), dir);
        SampleBatch b = MrcTestBatches.prefiltered(batch("vm-w", 0, 5_000, 4000), 0.25);
        int passed = 0;
        java.nio.ByteBuffer view = SampleCodec.view(b.getSamples(), b.getSampleCount());
        for (int i = 0; i < b.getSampleCount(); i++) {
            passed += (SampleCodec.xwr(view.getLong(view.position() + i * 8)) & SampleCodec.WRITE) != 0 ? 1 : 0;
        }
        run.send(b);
        run.send(batch("vm-w", 1, 15_000, 10)); // closes [0, 10 s)
        MissRatioCurve window = run.historyCurves().get(0);
        long removed = b.getPrefilteredOut();
        assertTrue(passed > 0 && passed < b.getSampleCount(), "the filter keeps some of the batch: " + passed);
        assertEquals(passed + Math.round((double) removed * passed / b.getSampleCount()), window.getReferences());
        assertEquals(0.25, window.getSamplingRate(), 1e-12);
    }

    @Test
    void decayedCurveFixedSizeAndTemporalSamplingFollowTheSettings(@TempDir Path dir) {
        // Temporal sampling on event time: samples spread over each batch's [start, end] (500 ms) in 100 ms periods.
        MrcConfig sampled = MrcConfig.fixedSize(256).withDecay(0.25).withTemporalPeriod(100);
        Run run = new Run(config("xwr", new MrcSettings(sampled, CurveKind.DECAYED)), dir);
        MrcTestBatches.Reference ref = new MrcTestBatches.Reference("vm-d", sampled, ALL);
        List<io.tierscope.analytics.mrc.MissRatioCurve[]> expected = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            SampleBatch b = batch("vm-d", w, w * 10_000L + 5_000, 4000);
            if (w > 0) {
                expected.add(ref.close(MrcEngine.Histogram.DECAYED));
            }
            run.send(b);
            ref.feed(b);
        }
        List<MissRatioCurve> h = run.historyCurves();
        assertEquals(4, h.size());
        for (int w = 0; w < 2; w++) {
            assertEquals(CurveKind.WINDOW, h.get(2 * w).getKind());
            assertSameCurve(expected.get(w)[0], h.get(2 * w));
            assertEquals(CurveKind.DECAYED, h.get(2 * w + 1).getKind());
            assertSameCurve(expected.get(w)[1], h.get(2 * w + 1));
        }
        assertTrue(h.get(1).getSamplingRate() < 1, "fixed size 256 of ~3300 pages samples");
        assertEquals(256, h.get(1).getSampledPages());
        assertEquals(CurveKind.DECAYED, run.latest.readValuesToList().get(1).getKind());
    }

    @Test
    void vmsAreIndependentAndTheAccessFilterCountsOnlyMatchingSamples(@TempDir Path dir) {
        Run run = new Run(config("w", new MrcSettings(EXACT, CurveKind.CUMULATIVE)), dir);
        Map<String, MrcTestBatches.Reference> refs = new LinkedHashMap<>();
        for (String vm : List.of("vm-a", "vm-b")) {
            refs.put(vm, new MrcTestBatches.Reference(vm, EXACT, SampleCodec.WRITE));
        }
        long seq = 0;
        for (long t = 1_000; t < 10_000; t += 2_000) {
            for (String vm : refs.keySet()) {
                SampleBatch b = batch(vm, seq++, t + vm.length() * 7 + (vm.endsWith("b") ? 300 : 0), 800);
                run.send(b);
                refs.get(vm).feed(b);
            }
        }
        run.send(batch("vm-a", seq, 12_500, 1)); // stream time 12.5 s: vm-a closes its window, vm-b's by punctuation
        Map<String, List<MissRatioCurve>> byVm = new LinkedHashMap<>();
        for (MissRatioCurve c : run.historyCurves()) {
            byVm.computeIfAbsent(c.getVmId(), k -> new ArrayList<>()).add(c);
        }
        assertEquals(refs.keySet(), byVm.keySet());
        for (var e : refs.entrySet()) {
            var expected = e.getValue().close(MrcEngine.Histogram.CUMULATIVE);
            List<MissRatioCurve> got = byVm.get(e.getKey());
            assertEquals(2, got.size(), e.getKey());
            assertSameCurve(expected[0], got.get(0));
            assertSameCurve(expected[1], got.get(1));
            assertEquals("w", got.get(0).getAccessFilter());
            // Samples cycle r, w, x, rw: half of them have the write bit.
            assertEquals(5 * 800 / 2, got.get(0).getReferences(), e.getKey());
        }
    }

    @Test
    void aWindowWithoutMatchingSamplesHasNoPointsAndZeroReferences(@TempDir Path dir) {
        Run run = new Run(config("x", new MrcSettings(EXACT, CurveKind.CUMULATIVE)), dir);
        SampleBatch readsOnly = batch("vm-r", 0, 1_000, 1); // the first sample is a read
        run.send(readsOnly);
        run.send(batch("vm-r", 1, 15_000, 1));
        List<MissRatioCurve> h = run.historyCurves();
        assertEquals(2, h.size());
        assertEquals(0, h.get(0).getReferences());
        assertTrue(h.get(0).getPoints().isEmpty());
        assertEquals(0, h.get(0).getWorkingSetPages());
    }

    @Test
    void lateBatchesStillFeedTheStackAndAreCountedIntoTheNextCurve(@TempDir Path dir) {
        Run run = new Run(exact(), dir);
        MrcTestBatches.Reference ref = new MrcTestBatches.Reference("vm-1", EXACT, ALL);
        SampleBatch a = batch("vm-1", 0, 5_000, 1000);
        SampleBatch b = batch("vm-1", 1, 15_000, 1000);
        SampleBatch lateOne = batch("vm-1", 2, 8_000, 500); // [0, 10 s) was closed by b
        SampleBatch lateTwo = batch("vm-1", 3, 9_000, 500);
        for (SampleBatch x : List.of(a, b, lateOne, lateTwo)) {
            run.send(x);
        }
        ref.feed(a);
        var w1 = ref.close(MrcEngine.Histogram.CUMULATIVE);
        ref.feed(b);
        ref.feed(lateOne);
        ref.feed(lateTwo);
        run.send(batch("vm-1", 4, 25_000, 1));
        var w2 = ref.close(MrcEngine.Histogram.CUMULATIVE);

        List<MissRatioCurve> h = run.historyCurves();
        assertEquals(4, h.size());
        assertEquals(0, h.get(0).getLateBatches());
        assertSameCurve(w1[1], h.get(1));
        assertEquals(10_000, h.get(2).getWindowStartMs());
        assertEquals(2, h.get(2).getLateBatches());
        assertEquals(2, h.get(3).getLateBatches());
        assertSameCurve(w2[0], h.get(2));
        assertSameCurve(w2[1], h.get(3));
        assertEquals(3000, h.get(3).getReferences(), "late references are in the cumulative curve");
    }

    @Test
    void aQuietVmIsClosedByStreamTimeAfterTheGracePeriod(@TempDir Path dir) {
        Run run = new Run(exact(), dir);
        run.send(batch("vm-quiet", 0, 3_000, 100));
        run.send(batch("vm-busy", 0, 11_000, 100));
        assertTrue(run.history.isEmpty(), "stream time 11 s: [0, 10 s) is still in its grace period");
        run.send(batch("vm-busy", 1, 11_900, 100));
        assertTrue(run.history.isEmpty());
        run.send(batch("vm-busy", 2, 12_100, 100));
        List<MissRatioCurve> h = run.historyCurves();
        assertEquals(2, h.size());
        assertEquals("vm-quiet", h.get(0).getVmId());
        assertEquals(0, h.get(0).getWindowStartMs());
        assertEquals(100, h.get(1).getReferences());
        run.send(batch("vm-quiet", 1, 4_000, 10)); // late: [0, 10 s) was emitted
        run.send(batch("vm-quiet", 2, 23_000, 1));
        run.send(batch("vm-busy", 3, 32_100, 1));
        List<MissRatioCurve> next = run.historyCurves();
        assertEquals(List.of("vm-busy", "vm-busy", "vm-quiet", "vm-quiet"),
                next.stream().map(MissRatioCurve::getVmId).sorted().toList());
        MissRatioCurve quietAgain = next.stream().filter(c -> c.getVmId().equals("vm-quiet")).findFirst().orElseThrow();
        assertEquals(20_000, quietAgain.getWindowStartMs());
        assertEquals(1, quietAgain.getLateBatches(), "the late batch is reported with the VM's next curve");
        assertEquals(11, quietAgain.getReferences(), "and its samples were not dropped");
    }

    @Test
    void aVmSilentForTheIdleRetentionIsDroppedAndItsLatestCurveTombstoned(@TempDir Path dir) {
        Run run = new Run(config("xwr", new MrcSettings(EXACT, CurveKind.CUMULATIVE, 30_000)), dir);
        run.send(batch("vm-gone", 0, 1_000, 100));
        for (long t = 5_000; t < 40_000; t += 5_000) {
            run.send(batch("vm-busy", t, t, 10));
        }
        KeyValueStore<String, byte[]> engines = storedEngines(run);
        assertTrue(engines.get("vm-gone") != null, "kept until 30 s after its window [0, 10 s) ended");
        run.latest.readKeyValuesToList();
        run.send(batch("vm-busy", 99, 40_000, 10));
        assertEquals(null, engines.get("vm-gone"));
        assertEquals(null, run.driver.<String, VmWindow>getKeyValueStore(MrcProcessor.WINDOWS_STORE).get("vm-gone"));
        List<KeyValue<String, MissRatioCurve>> latest = run.latest.readKeyValuesToList();
        assertTrue(latest.contains(KeyValue.pair("vm-gone", (MissRatioCurve) null)), "tombstone: " + latest.size());
        assertTrue(engines.get("vm-busy") != null);

        run.history.readValuesToList();
        run.send(batch("vm-gone", 1, 41_000, 100)); // back: a new stack
        run.send(batch("vm-gone", 2, 55_000, 1));
        MissRatioCurve again = run.historyCurves().stream()
                .filter(c -> c.getVmId().equals("vm-gone") && c.getKind() == CurveKind.CUMULATIVE).findFirst().orElseThrow();
        assertEquals(100, again.getReferences(), "cumulative starts over");
    }

    /** Batches of three VMs over five windows, with a late one, cut in two at {@code cut}. */
    private static List<SampleBatch> workload() {
        List<SampleBatch> all = new ArrayList<>();
        long seq = 0;
        for (long t = 500; t < 50_000; t += 1_500) {
            for (String vm : List.of("vm-1", "vm-2", "vm-3")) {
                all.add(batch(vm, seq++, t + vm.charAt(3) * 10, 600));
            }
            if (t == 20_000) {
                all.add(batch("vm-2", seq++, 12_000, 300));
            }
        }
        return all;
    }

    private static StreamsAppConfig sampledDecayed() {
        return config("rw", new MrcSettings(MrcConfig.fixedSize(200).withDecay(0.5), CurveKind.DECAYED));
    }

    @Test
    void aFreshInstanceWhoseStoresHoldOnlyTheChangelogContinuesAsIfUninterrupted(@TempDir Path once, @TempDir Path a,
                                                                                   @TempDir Path b) {
        List<SampleBatch> work = workload();
        int cut = work.size() / 2 - 2;
        Run whole = new Run(sampledDecayed(), once);
        work.forEach(whole::send);

        Run before = new Run(sampledDecayed(), a);
        work.subList(0, cut).forEach(before::send);
        List<KeyValue<String, MissRatioCurve>> got = new ArrayList<>(before.history.readKeyValuesToList());
        // TopologyTestDriver cannot restore from a changelog (and its close() wipes the state dir, so a restart on
        // the same dir cannot be shown here either: MrcBrokerIT does both); it does record what was written to
        // the changelogs. Replay
        // that, last value per key, into the stores of an instance with an empty state dir: all it may rely on.
        Map<String, byte[]> engines = lastPerKey(before, MrcProcessor.ENGINES_STORE);
        Map<String, byte[]> windows = lastPerKey(before, MrcProcessor.WINDOWS_STORE);
        assertEquals(3, engines.size());
        Run after = new Run(sampledDecayed(), b);
        KeyValueStore<String, byte[]> engineStore = storedEngines(after);
        engines.forEach(engineStore::put);
        KeyValueStore<String, VmWindow> windowStore = after.driver.getKeyValueStore(MrcProcessor.WINDOWS_STORE);
        windows.forEach((k, v) -> windowStore.put(k, VmWindow.serde().deserializer().deserialize("", v)));
        work.subList(cut, work.size()).forEach(after::send);
        got.addAll(after.history.readKeyValuesToList());

        assertSameOutputs(whole.history.readKeyValuesToList(), got);
    }

    /**
     * Engines change in memory and their snapshots are written when the driver commits (after each record): after
     * a commit, every VM's stored snapshot restores to an engine equal to the live one (same snapshot, same curves).
     */
    @Test
    void afterACommitTheStoredSnapshotRestoresToTheLiveEngine(@TempDir Path dir) {
        Run run = new Run(sampledDecayed(), dir);
        workload().forEach(run::send);
        SnapshotOnCommitStore<MrcEngine> store = engineStore(run);
        for (String vm : List.of("vm-1", "vm-2", "vm-3")) {
            MrcEngine live = store.get(vm);
            MrcEngine restored = MrcEngine.restore(store.stored().get(vm));
            assertArrayEquals(live.snapshot(), restored.snapshot(), vm);
            assertArrayEquals(live.curve(MrcEngine.Histogram.DECAYED).missRatio(),
                    restored.curve(MrcEngine.Histogram.DECAYED).missRatio(), vm);
        }
    }

    /** With one live engine per task, every other VM's engine comes back from its committed snapshot: same outputs. */
    @Test
    void aCacheOfOneEngineGivesTheSameCurvesAsEnginesKeptLive(@TempDir Path a, @TempDir Path b) {
        Run live = new Run(sampledDecayed(), a);
        workload().forEach(live::send);
        MrcSettings oneCached = new MrcSettings(MrcConfig.fixedSize(200).withDecay(0.5), CurveKind.DECAYED,
                MrcSettings.DEFAULT_IDLE_RETENTION_MS, 1);
        Run reloaded = new Run(config("rw", oneCached), b);
        workload().forEach(reloaded::send);
        assertEquals(1, engineStore(reloaded).liveCount());
        assertSameOutputs(live.history.readKeyValuesToList(), reloaded.history.readKeyValuesToList());
    }

    /** Equal record for record; a failure names the first difference briefly (the records are long). */
    private static void assertSameOutputs(List<KeyValue<String, MissRatioCurve>> expected,
                                          List<KeyValue<String, MissRatioCurve>> got) {
        for (int i = 0; i < Math.min(expected.size(), got.size()); i++) {
            if (!expected.get(i).equals(got.get(i))) {
                throw new AssertionError("output " + i + " differs: expected " + brief(expected.get(i).value)
                        + ", got " + brief(got.get(i).value));
            }
        }
        assertEquals(expected.size(), got.size(), "outputs");
    }

    private static String brief(MissRatioCurve c) {
        return c.getVmId() + " " + c.getKind() + " [" + c.getWindowStartMs() + "," + c.getWindowEndMs() + ") refs "
                + c.getReferences() + " cold " + c.getColdMisses() + " late " + c.getLateBatches() + " rate "
                + c.getSamplingRate() + " points " + c.getPoints().size();
    }

    @Test
    void aSnapshotOfOtherSettingsOrUnreadableBytesRestartsThatVmInsteadOfStoppingTheTask(@TempDir Path dir) {
        Run run = new Run(exact(), dir);
        KeyValueStore<String, byte[]> engines = storedEngines(run);
        KeyValueStore<String, VmWindow> windows = run.driver.getKeyValueStore(MrcProcessor.WINDOWS_STORE);
        MrcEngine otherSettings = MrcEngine.forVm("vm-old", MrcConfig.fixedRate(0.5));
        otherSettings.accept(new long[] {1, 2, 3, 1}, 0, 4);
        engines.put("vm-old", otherSettings.snapshot());
        engines.put("vm-bad", new byte[] {1, 2, 3});
        for (String vm : List.of("vm-old", "vm-bad")) {
            windows.put(vm, VmWindow.NEW_VM.opened(0));
        }
        Map<String, MrcTestBatches.Reference> refs = new LinkedHashMap<>();
        for (String vm : List.of("vm-old", "vm-bad")) {
            SampleBatch b = batch(vm, 0, 4_000, 500);
            run.send(b);
            refs.computeIfAbsent(vm, k -> new MrcTestBatches.Reference(k, EXACT, ALL)).feed(b);
        }
        run.send(batch("vm-old", 1, 14_000, 1));
        run.send(batch("vm-bad", 1, 14_000, 1));
        List<MissRatioCurve> h = run.historyCurves();
        assertEquals(4, h.size());
        for (int i = 0; i < 4; i += 2) {
            var expected = refs.get(h.get(i).getVmId()).close(MrcEngine.Histogram.CUMULATIVE);
            assertSameCurve(expected[0], h.get(i));
            assertSameCurve(expected[1], h.get(i + 1));
            assertEquals(1.0, h.get(i).getSamplingRate(), "the configured (exact) sampling applies");
        }
    }

    private static Map<String, byte[]> lastPerKey(Run run, String store) {
        TestOutputTopic<String, byte[]> changelog = run.driver.createOutputTopic(APP + "-" + store + "-changelog",
                new StringDeserializer(), new ByteArrayDeserializer());
        Map<String, byte[]> last = new LinkedHashMap<>();
        changelog.readKeyValuesToList().forEach(kv -> last.put(kv.key, kv.value));
        return last;
    }

    private static void assertCurve(MissRatioCurve c, String vm, CurveKind kind, long start, long end) {
        assertEquals(vm, c.getVmId());
        assertEquals(kind, c.getKind());
        assertEquals(start, c.getWindowStartMs());
        assertEquals(end, c.getWindowEndMs());
    }

    /** The engine snapshots as of the last commit (the driver commits after each record). */
    private static KeyValueStore<String, byte[]> storedEngines(Run run) {
        return engineStore(run).stored();
    }

    @SuppressWarnings("unchecked")
    private static SnapshotOnCommitStore<MrcEngine> engineStore(Run run) {
        return (SnapshotOnCommitStore<MrcEngine>) run.driver.getStateStore(MrcProcessor.ENGINES_STORE);
    }
}
