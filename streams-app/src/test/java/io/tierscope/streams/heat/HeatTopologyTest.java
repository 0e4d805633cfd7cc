package io.tierscope.streams.heat;

import static io.tierscope.streams.heat.Scans.range;
import static io.tierscope.streams.heat.Scans.scan;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.analytics.heat.GapPolicy;
import io.tierscope.analytics.heat.HeatState;
import io.tierscope.analytics.heat.HeatTable;
import io.tierscope.analytics.heat.SampledCounts;
import io.tierscope.analytics.heat.SampledPeriod;
import io.tierscope.avro.AdScan;
import io.tierscope.avro.HeatChange;
import io.tierscope.avro.HeatSummary;
import io.tierscope.avro.PageHeatChunk;
import io.tierscope.avro.SampleBatch;
import io.tierscope.schemas.ScanSequence;
import io.tierscope.schemas.serde.InMemorySchemaRegistry;
import io.tierscope.schemas.serde.SchemaRegistry;
import io.tierscope.schemas.serde.SpecificAvroDeserializer;
import io.tierscope.schemas.serde.SpecificAvroSerializer;
import io.tierscope.streams.StreamsAppConfig;
import io.tierscope.streams.TierscopeTopology;
import io.tierscope.streams.TopologySerdes;
import io.tierscope.streams.state.SnapshotOnCommitStore;
import io.tierscope.streams.window.VmWindow;
import io.tierscope.topics.DeadLetter;
import io.tierscope.topics.EndOfInput;
import io.tierscope.topics.Topic;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The heat topology (scans -> chunk states -> changes, page heat, summaries) in TopologyTestDriver
 * with an in-memory registry. Chunks of 64 pages, 10 s windows with 2 s grace, TTL 30 s.
 */
class HeatTopologyTest {
    private static final int CHUNK = 64;
    private static final long TTL_MS = 30_000;

    @TempDir
    Path tmp;
    private SchemaRegistry registry;
    private SpecificAvroSerializer<AdScan> serializer;
    private SpecificAvroSerializer<SampleBatch> batchSerializer;
    private final List<Driver> drivers = new ArrayList<>();

    /** One driver with its topics. */
    private final class Driver implements AutoCloseable {
        final TopologyTestDriver driver;
        final TestInputTopic<byte[], byte[]> scans;
        final TestInputTopic<byte[], byte[]> samples;
        final TestOutputTopic<String, PageHeatChunk> pageHeat;
        final TestOutputTopic<String, HeatChange> changes;
        final TestOutputTopic<String, HeatSummary> summaries;
        final TestOutputTopic<byte[], byte[]> deadLetters;

        Driver(HeatConfig heat, String stateDir) {
            StreamsAppConfig config = new StreamsAppConfig(Duration.ofSeconds(10), Duration.ofSeconds(2), "xwr").withHeat(heat);
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "heat-test");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            props.put(StreamsConfig.STATE_DIR_CONFIG, tmp.resolve(stateDir).toString());
            driver = new TopologyTestDriver(TierscopeTopology.build(config, new TopologySerdes(registry)), props);
            scans = driver.createInputTopic(Topic.AD_SCANS.topicName(), new ByteArraySerializer(), new ByteArraySerializer());
            samples = driver.createInputTopic(Topic.RAW_SAMPLES.topicName(), new ByteArraySerializer(), new ByteArraySerializer());
            pageHeat = driver.createOutputTopic(Topic.PAGE_HEAT.topicName(), new StringDeserializer(),
                    new SpecificAvroDeserializer<>(PageHeatChunk.class, registry));
            changes = driver.createOutputTopic(Topic.HEAT_CHANGES.topicName(), new StringDeserializer(),
                    new SpecificAvroDeserializer<>(HeatChange.class, registry));
            summaries = driver.createOutputTopic(Topic.HEAT_SUMMARY.topicName(), new StringDeserializer(),
                    new SpecificAvroDeserializer<>(HeatSummary.class, registry));
            deadLetters = driver.createOutputTopic(Topic.DEAD_LETTER.topicName(), new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
        }

        void send(AdScan s) {
            scans.pipeInput(s.getVmId().getBytes(StandardCharsets.UTF_8), serializer.serialize(Topic.AD_SCANS.topicName(), s),
                    s.getTimeMs());
        }

        void send(SampleBatch b) {
            samples.pipeInput(b.getVmId().getBytes(StandardCharsets.UTF_8),
                    batchSerializer.serialize(Topic.RAW_SAMPLES.topicName(), b), b.getEndTimeMs());
        }

        /** The VM's last batch: marked {@link EndOfInput}. */
        void sendLast(SampleBatch b) {
            RecordHeaders headers = new RecordHeaders();
            headers.add(EndOfInput.HEADER, new byte[0]);
            samples.pipeInput(new TestRecord<>(b.getVmId().getBytes(StandardCharsets.UTF_8),
                    batchSerializer.serialize(Topic.RAW_SAMPLES.topicName(), b), headers, b.getEndTimeMs()));
        }

        KeyValueStore<String, StoredChunk> chunkStore() {
            return driver.getKeyValueStore(HeatStores.CHUNKS);
        }

        /** The open sample periods as stored (the test driver commits after every record). */
        @SuppressWarnings("unchecked")
        KeyValueStore<String, byte[]> samplePeriodStore() {
            return ((SnapshotOnCommitStore<SampledPeriod>) driver.getStateStore(HeatStores.SAMPLE_PERIODS)).stored();
        }

        @Override
        public void close() {
            driver.close();
        }
    }

    @BeforeEach
    void setUp() {
        registry = new InMemorySchemaRegistry();
        serializer = new SpecificAvroSerializer<>(registry, true);
        batchSerializer = new SpecificAvroSerializer<>(registry, true);
    }

    @AfterEach
    void tearDown() {
        drivers.forEach(Driver::close);
    }

    private Driver driver(GapPolicy gap) {
        Driver d = new Driver(new HeatConfig(CHUNK, HeatTable.fsm5(), gap, Duration.ofMillis(TTL_MS), 4),
                "state-" + drivers.size());
        drivers.add(d);
        return d;
    }

    private Driver driver() {
        return driver(GapPolicy.IDLE);
    }

    private Driver samplesDriver() {
        return samplesDriver("state-" + drivers.size());
    }

    private Driver samplesDriver(String stateDir) {
        Driver d = new Driver(new HeatConfig(CHUNK, HeatTable.fsm5(), GapPolicy.IDLE, Duration.ofMillis(TTL_MS), 4,
                HeatConfig.Source.SAMPLES, Duration.ofSeconds(1)), stateDir);
        drivers.add(d);
        return d;
    }

    /**
     * The open period is a live object, stored when the driver commits (after each record). TopologyTestDriver cannot
     * restore from a changelog and wipes its state dir on close, so, as MrcTopologyTest does, the heat stores'
     * changelogs (last value per key) are replayed into a fresh instance inside a period: it must continue as if
     * uninterrupted, every sample of that period counted.
     */
    @Test
    void aFreshInstanceWithTheChangelogsOfAnOpenSamplePeriodContinuesAsIfUninterrupted() {
        List<SampleBatch> batches = new ArrayList<>();
        for (int period = 0; period < 3; period++) { // two batches a period, then batches that close window [0, 10 s)
            batches.add(Scans.samples("vm-r", 2 * period, period * 1_000L + 300, new long[] {3, 3, 5}, 70));
            batches.add(Scans.samples("vm-r", 2 * period + 1, period * 1_000L + 800, new long[] {3, 64 + period}));
        }
        batches.add(Scans.samples("vm-r", 6, 11_500, new long[] {9}));
        batches.add(Scans.samples("vm-r", 7, 12_500, new long[] {9}));
        Driver uninterrupted = samplesDriver();
        batches.forEach(uninterrupted::send);

        Driver before = samplesDriver();
        batches.subList(0, 5).forEach(before::send); // stops inside period 2, after its first batch
        List<String> changes = new ArrayList<>(before.changes.readValuesToList().stream().map(HeatTopologyTest::describe).toList());
        Map<String, byte[]> periods = lastPerKey(before, HeatStores.SAMPLE_PERIODS);
        assertTrue(periods.get("vm-r") != null, "the open period is in the changelog");
        Driver after = samplesDriver();
        periods.forEach(after.samplePeriodStore()::put);
        KeyValueStore<String, StoredChunk> chunks = after.chunkStore();
        lastPerKey(before, HeatStores.CHUNKS).forEach((k, v) -> chunks.put(k,
                StoredChunk.serde(GapPolicy.IDLE).deserializer().deserialize("", v)));
        KeyValueStore<String, VmWindow> vms = after.driver.getKeyValueStore(HeatStores.VMS);
        lastPerKey(before, HeatStores.VMS).forEach((k, v) -> vms.put(k, VmWindow.serde().deserializer().deserialize("", v)));
        batches.subList(5, batches.size()).forEach(after::send);
        after.changes.readValuesToList().stream().map(HeatTopologyTest::describe).forEach(changes::add);

        assertEquals(uninterrupted.changes.readValuesToList().stream().map(HeatTopologyTest::describe).toList(), changes);
        HeatSummary expected = uninterrupted.summaries.readValue();
        HeatSummary summary = after.summaries.readValue();
        assertEquals(expected.getPagesPerState(), summary.getPagesPerState());
        assertEquals(expected.getHottestGfns(), summary.getHottestGfns());
        assertEquals(expected.getScansApplied(), summary.getScansApplied());
        assertEquals(uninterrupted.pageHeat.readKeyValuesToMap().get("vm-r#1").getSampledCounts(),
                after.pageHeat.readKeyValuesToMap().get("vm-r#1").getSampledCounts(), "the published counts");
        for (long chunk = 0; chunk < 2; chunk++) {
            StoredChunk whole = uninterrupted.chunkStore().get(ChunkKeys.storeKey("vm-r", chunk));
            StoredChunk continued = after.chunkStore().get(ChunkKeys.storeKey("vm-r", chunk));
            assertArrayEquals(whole.heat().accessStates(), continued.heat().accessStates(), "chunk " + chunk);
            assertArrayEquals(whole.heat().writeStates(), continued.heat().writeStates(), "chunk " + chunk);
            assertEquals(whole.heat().lastScanSeq(), continued.heat().lastScanSeq(), "chunk " + chunk);
            assertArrayEquals(whole.sampledCounts, continued.sampledCounts, "every sample counted, chunk " + chunk);
        }
    }

    /** A store's changelog as the driver recorded it, last value per key (deleted keys left out). */
    private static Map<String, byte[]> lastPerKey(Driver d, String store) {
        Map<String, byte[]> last = new LinkedHashMap<>();
        d.driver.createOutputTopic("heat-test-" + store + "-changelog", new StringDeserializer(), new ByteArrayDeserializer())
                .readKeyValuesToList().forEach(kv -> last.put(kv.key, kv.value));
        last.values().removeIf(java.util.Objects::isNull);
        return last;
    }

    @Test
    void sampledPagesDriveTheFsmsOnePeriodAtATime() {
        Driver d = samplesDriver();
        long batch = 0;
        for (int period = 0; period < 4; period++) { // two batches per period, the second repeats a page
            d.send(Scans.samples("vm-s", batch++, period * 1_000L + 300, new long[] {3}, 70));
            d.send(Scans.samples("vm-s", batch++, period * 1_000L + 800, new long[] {3}));
        }
        d.send(Scans.samples("vm-s", batch++, 11_500, new long[] {3})); // closes period 3
        assertTrue(d.summaries.isEmpty(), "period 11 is still open");
        d.send(Scans.samples("vm-s", batch++, 12_500, new long[] {3})); // closes period 11: window [10 s, 20 s) reached
        HeatSummary s = d.summaries.readValue();
        assertEquals(0, s.getWindowStartMs());
        assertEquals(Map.of("frigid", 126L, "frigid-test", 0L, "warm-test", 0L, "warm", 0L, "sizzle", 2L), s.getPagesPerState());
        assertEquals(List.of(3L, 70L, 0L, 1L), s.getHottestGfns());
        assertEquals(2, s.getTouchedPages());
        assertEquals(1, s.getWrittenPages());
        assertEquals(4, s.getScansApplied(), "one per closed period");
        assertEquals(List.of("1/0/ACCESSED hot=[3] cold=[]", "1/1/ACCESSED hot=[70] cold=[]", "1/1/DIRTY hot=[70] cold=[]"),
                d.changes.readValuesToList().stream().map(HeatTopologyTest::describe).toList().subList(0, 3));
        PageHeatChunk c1 = d.pageHeat.readKeyValuesToMap().get("vm-s#1");
        assertEquals(CHUNK, c1.getPageCount(), "sampled chunks are whole chunks: samples do not tell a VM's size");
    }

    @Test
    void sampledHeatPublishesEachPagesSampledAccessCountsWithCooling() {
        Driver d = samplesDriver();
        d.send(Scans.samples("vm-c", 0, 300, new long[] {3, 3, 5}, 3)); // period 0: page 3 x3 (one a write), page 5 x1
        d.send(Scans.samples("vm-c", 1, 1_300, new long[] {3, 70})); // period 1: page 3 x1, page 70 x1
        d.send(Scans.samples("vm-c", 2, 12_500, new long[] {9})); // closes period 1, then window [0, 10 s) with period 12
        Map<String, PageHeatChunk> heat = d.pageHeat.readKeyValuesToMap();
        SampledCounts counts = SampledCounts.defaults();
        char[] chunk0 = SampledCounts.fromBytes(heat.get("vm-c#0").getSampledCounts());
        assertEquals(CHUNK, chunk0.length);
        // The cooling's rounding is dithered by page and period (the sample period's index).
        assertEquals(counts.next(counts.next(0, 3, SampledCounts.dither(3, 0)), 1, SampledCounts.dither(3, 1)), chunk0[3],
                "3 samples, cooled a period, + 1");
        assertEquals(counts.next(counts.next(0, 1, SampledCounts.dither(5, 0)), 0, SampledCounts.dither(5, 1)), chunk0[5]);
        assertEquals(0, chunk0[9], "period 12 is not applied yet");
        assertTrue(chunk0[3] == 60 || chunk0[3] == 61, "48 x 2^(-1/8) = 44.02, rounded down or up, + 16: " + (int) chunk0[3]);
        char[] chunk1 = SampledCounts.fromBytes(heat.get("vm-c#1").getSampledCounts());
        assertEquals(SampledCounts.UNIT, chunk1[70 - CHUNK]);

        Driver scans = driver();
        scans.send(scan("vm-a", 0, 1_000, 0, CHUNK, new int[] {1}, null));
        scans.send(scan("vm-a", 1, 13_000, 0, CHUNK, new int[] {1}, null));
        assertNull(scans.pageHeat.readValue().getSampledCounts(), "scan-driven heat has no counts");
    }

    @Test
    void chunksWithoutSamplesStepIdleAndAQuietVmsLastPeriodIsClosedByEventTime() {
        Driver d = samplesDriver();
        for (int period = 0; period < 9; period++) {
            long page = period < 3 ? 3 : 70; // chunk 0 is sampled in periods 0-2 only
            d.send(Scans.samples("vm-q", period, period * 1_000L + 500, new long[] {page}));
        }
        d.send(Scans.samples("vm-other", 0, 9_000 + 500 + 2_000, new long[] {1})); // event time passes period 8 + grace
        List<String> changes = d.changes.readValuesToList().stream().filter(c -> c.getVmId().equals("vm-q"))
                .map(HeatTopologyTest::describe).toList();
        // page 3: sizzle after period 2; idle periods 3, 4, 5 take it to warm, frigid-test, frigid (cold)
        assertTrue(changes.contains("5/0/ACCESSED hot=[] cold=[3]"), changes.toString());
        assertTrue(changes.contains("4/1/ACCESSED hot=[70] cold=[]"), changes.toString());
        String chunk1 = ChunkKeys.storeKey("vm-q", 1);
        assertEquals(8, d.chunkStore().get(chunk1).heat().lastScanSeq(),
                "the quiet VM's last period (8) was applied when event time passed its end + grace");
        assertEquals(List.of(), keys(d.samplePeriodStore()).stream()
                .filter(k -> k.equals("vm-q")).toList(), "vm-q's open period was closed");
    }

    @Test
    void theEndOfInputMarkerOnASampledVmsLastBatchClosesItsLastPeriodAndWindow() {
        Driver d = samplesDriver();
        for (int period = 0; period < 4; period++) {
            d.send(Scans.samples("vm-e", period, period * 1_000L + 500, new long[] {3}));
        }
        assertTrue(d.summaries.isEmpty(), "window [0, 10 s) is open and period 3 too");
        d.sendLast(Scans.samples("vm-e", 4, 4_500, new long[] {3, 70})); // period 4, the VM's last batch
        HeatSummary s = d.summaries.readValue();
        assertEquals(0, s.getWindowStartMs());
        assertEquals(5, s.getScansApplied(), "periods 0-4: the marked batch's own period was applied before the summary");
        assertEquals(2, s.getTouchedPages(), "page 70, sampled only in the last period, counts");
        assertTrue(d.summaries.isEmpty(), "one summary");
        String chunk0 = ChunkKeys.storeKey("vm-e", 0);
        assertEquals(4, d.chunkStore().get(chunk0).heat().lastScanSeq());
        assertNull(d.samplePeriodStore().get("vm-e"), "no open period left");

        // A later batch of the VM simply opens a new period and window (a restarted collector's first).
        d.send(Scans.samples("vm-e", 5, 25_500, new long[] {3}));
        assertTrue(d.summaries.isEmpty(), "nothing to close: the marked window was already summarised");
    }

    @Test
    void scansBecomeChangesPageHeatAndAPerVmSummaryWhenTheNextWindowStarts() {
        Driver d = driver();
        int[] hotPages = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 70};
        for (int seq = 0; seq < 4; seq++) { // one scan record for both chunks: sliced at gfn 64
            d.send(scan("vm-1", seq, 1_000 + seq * 1_000L, 0, 2 * CHUNK, hotPages, new int[] {70}));
        }
        List<HeatChange> changes = d.changes.readValuesToList();
        // frigid -1-> warm-test -1-> warm (hot) -1-> sizzle: hot after the second scan, per chunk and bit.
        assertEquals(List.of("1/0/ACCESSED hot=[0, 1, 2, 3, 4, 5, 6, 7, 8, 9] cold=[]",
                "1/1/ACCESSED hot=[70] cold=[]", "1/1/DIRTY hot=[70] cold=[]"),
                changes.stream().map(HeatTopologyTest::describe).toList());
        assertTrue(d.summaries.isEmpty() && d.pageHeat.isEmpty(), "nothing before the window ends");

        d.send(scan("vm-1", 4, 11_000, 0, 2 * CHUNK, hotPages, null)); // first scan of window [10 s, 20 s)
        HeatSummary s = d.summaries.readValue();
        assertEquals("vm-1", s.getVmId());
        assertEquals(0, s.getWindowStartMs());
        assertEquals(10_000, s.getWindowEndMs());
        assertEquals("fsm5", s.getClassifier());
        assertEquals(Map.of("frigid", 117L, "frigid-test", 0L, "warm-test", 0L, "warm", 0L, "sizzle", 11L), s.getPagesPerState());
        assertEquals(11, s.getHotPages());
        assertEquals(117, s.getColdPages());
        assertEquals(11, s.getTouchedPages());
        assertEquals(1, s.getWrittenPages());
        assertEquals(List.of(0L, 1L, 2L, 3L), s.getHottestGfns());
        assertEquals(4, s.getScansApplied());
        assertEquals(0, s.getDuplicateScans());

        Map<String, PageHeatChunk> heat = d.pageHeat.readKeyValuesToMap();
        assertEquals(List.of("vm-1#0", "vm-1#1"), heat.keySet().stream().sorted().toList());
        PageHeatChunk c1 = heat.get("vm-1#1");
        assertEquals(1, c1.getChunkIndex());
        assertEquals(64, c1.getBaseGfn());
        assertEquals(64, c1.getPageCount());
        assertEquals(3, c1.getLastScanSeq());
        assertEquals(4_000, c1.getTimeMs());
        byte[] access = bytes(c1.getAccessStates());
        assertEquals(HeatState.SIZZLE, access[70 - 64]);
        assertEquals(HeatState.FRIGID, access[0]);
        assertEquals(HeatState.SIZZLE, bytes(c1.getWriteStates())[70 - 64]);
        assertArrayEquals(new byte[CHUNK], bytes(heat.get("vm-1#0").getWriteStates()), "no page of chunk 0 was written");
    }

    @Test
    void pageHeatIsRepublishedOnlyForChunksThatChanged() {
        Driver d = driver();
        for (int seq = 0; seq < 4; seq++) {
            d.send(scan("vm-1", seq, 1_000 + seq * 1_000L, 0, 2 * CHUNK, new int[] {1}, null));
        }
        d.send(scan("vm-1", 4, 11_000, 0, 2 * CHUNK, new int[] {1}, null));
        assertEquals(2, d.pageHeat.readRecordsToList().size(), "both chunks are new");
        for (int seq = 5; seq < 8; seq++) { // chunk 1 stays all frigid, chunk 0's page 1 stays sizzling
            d.send(scan("vm-1", seq, 11_000 + (seq - 4) * 1_000L, 0, 2 * CHUNK, new int[] {1}, null));
        }
        d.send(scan("vm-1", 8, 21_000, 0, 2 * CHUNK, new int[] {1}, null));
        assertEquals(2, d.summaries.readRecordsToList().size());
        assertTrue(d.pageHeat.isEmpty(), "no chunk changed in [10 s, 20 s)");
    }

    @Test
    void duplicatedAndReorderedScansChangeNothing() {
        Driver d = driver();
        long[] inOrder = {0, 1, 3, 4};
        long[] messy = {0, 1, 1, 3, 0, 2, 4, 3};
        for (long seq : inOrder) {
            d.send(scan("vm-a", seq, 1_000 + seq * 1_000, 0, CHUNK, range(0, 8 + (int) seq), null));
        }
        for (long seq : messy) {
            d.send(scan("vm-b", seq, 1_000 + seq * 1_000, 0, CHUNK, range(0, 8 + (int) seq), null));
        }
        d.send(scan("vm-a", 9, 11_000, CHUNK, range(0, 1)));
        d.send(scan("vm-b", 9, 11_000, CHUNK, range(0, 1)));
        Map<String, List<String>> changesPerVm = d.changes.readValuesToList().stream().collect(Collectors.groupingBy(
                c -> c.getVmId().toString(), LinkedHashMap::new, Collectors.mapping(HeatTopologyTest::describe, Collectors.toList())));
        assertEquals(changesPerVm.get("vm-a"), changesPerVm.get("vm-b"));
        Map<String, HeatSummary> summaries = d.summaries.readKeyValuesToMap();
        HeatSummary a = summaries.get("vm-a");
        HeatSummary b = summaries.get("vm-b");
        assertEquals(a.getPagesPerState(), b.getPagesPerState());
        assertEquals(a.getHottestGfns(), b.getHottestGfns());
        assertEquals(a.getTouchedPages(), b.getTouchedPages());
        assertEquals(4, b.getScansApplied());
        assertEquals(4, b.getDuplicateScans(), "1, 0, 2 (older than 3) and 3 again");
        assertEquals(1, b.getMissedPeriods(), "scan 2 had not arrived when 3 was applied");
        Map<String, PageHeatChunk> heat = d.pageHeat.readKeyValuesToMap();
        assertArrayEquals(bytes(heat.get("vm-a#0").getAccessStates()), bytes(heat.get("vm-b#0").getAccessStates()));
    }

    @Test
    void aRestartedCollectorsScansApplyWhileReplaysOfTheOldRunAreStillIgnored() {
        Driver d = driver();
        long run1 = 500;   // incarnations: the runs' start times
        long run2 = 6_500;
        for (int period = 0; period < 3; period++) {
            d.send(scan("vm-r", ScanSequence.of(run1, period), 1_000 + period * 1_000L, CHUNK, 0, 1, 2));
        }
        // The collector is down for [3 s, 7 s), then a new run numbers its periods from 0 again.
        for (int period = 0; period < 3; period++) {
            d.send(scan("vm-r", ScanSequence.of(run2, period), 7_000 + period * 1_000L, CHUNK, 0, 1, 2));
        }
        d.send(scan("vm-r", ScanSequence.of(run1, 1), 2_000, CHUNK, 5)); // a genuine replay of the old run
        d.send(scan("vm-r", ScanSequence.of(run2, 3), 10_000, CHUNK, 0, 1, 2)); // opens [10 s, 20 s)

        HeatSummary s = d.summaries.readValue();
        assertEquals(0, s.getWindowStartMs());
        assertEquals(6, s.getScansApplied(), "three scans of each run");
        assertEquals(1, s.getDuplicateScans(), "only the replay");
        assertEquals(3, s.getMissedPeriods(), "4 s between the runs' scans at a 1 s period: 3 periods missed, by time");
        assertEquals(3, s.getTouchedPages(), "the replay's page 5 was not applied");
        PageHeatChunk chunk = d.pageHeat.readKeyValuesToMap().get("vm-r#0");
        assertEquals(ScanSequence.of(run2, 2), chunk.getLastScanSeq());
        assertEquals(HeatState.SIZZLE, bytes(chunk.getAccessStates())[0],
                "page 0, accessed in every scan, is as hot as the FSM goes");
    }

    @Test
    void missedScanPeriodsCountAsIdleByDefaultAndAreIgnoredOnRequest() {
        Map<GapPolicy, String> lastChange = new LinkedHashMap<>();
        for (GapPolicy policy : GapPolicy.values()) {
            Driver d = driver(policy);
            for (int seq = 0; seq < 3; seq++) {
                d.send(scan("vm-1", seq, 1_000 + seq * 1_000L, CHUNK, 0, 1, 2));
            }
            d.changes.readValuesToList();
            d.send(scan("vm-1", 6, 7_000, CHUNK)); // seqs 3, 4, 5 lost; nothing accessed in 6
            List<HeatChange> after = d.changes.readValuesToList();
            lastChange.put(policy, after.isEmpty() ? "none" : describe(after.get(0)));
            d.send(scan("vm-1", 7, 11_000, CHUNK));
            HeatSummary s = d.summaries.readValue();
            assertEquals(3, s.getMissedPeriods());
            assertEquals(policy == GapPolicy.IDLE ? 3 : 0, s.getPagesPerState().get("frigid") - (CHUNK - 3));
        }
        // IDLE: sizzle -> warm -> frigid-test -> frigid (3 missed periods capped at the FSM's depth, then the scan).
        assertEquals("6/0/ACCESSED hot=[] cold=[0, 1, 2]", lastChange.get(GapPolicy.IDLE));
        // IGNORE: only the scan itself: sizzle -> warm, still hot, no change of class.
        assertEquals("none", lastChange.get(GapPolicy.IGNORE));
    }

    @Test
    void vmMemoryGrowingAndShrinkingResizesItsChunksAndDropsChunksNoLongerScanned() {
        Driver d = driver();
        d.send(scan("vm-1", 0, 1_000, 0, 96, new int[] {0, 95}, null));   // chunk 1 holds 32 pages
        d.send(scan("vm-1", 1, 2_000, 0, 128, new int[] {0, 95, 127}, null)); // grows to 64
        d.send(scan("vm-1", 2, 3_000, 0, 100, new int[] {0, 95}, null));  // shrinks to 36
        d.send(scan("vm-1", 3, 11_000, 0, 100, new int[] {0, 95}, null));
        PageHeatChunk c1 = d.pageHeat.readKeyValuesToMap().get("vm-1#1");
        assertEquals(36, c1.getPageCount());
        assertEquals(HeatState.SIZZLE, bytes(c1.getAccessStates())[95 - 64], "states of the pages kept survive resizing");
        HeatSummary first = d.summaries.readValue();
        assertEquals(100, first.getPagesPerState().values().stream().mapToLong(Long::longValue).sum());
        assertEquals(2, first.getTouchedPages(), "page 127 went with the shrink, its window bit too");

        // Memory shrinks to one chunk: chunk 1 is not scanned any more and goes after the TTL.
        long t = 12_000;
        for (long seq = 4; t <= 11_000 + TTL_MS + 10_000; seq++, t += 1_000) {
            d.send(scan("vm-1", seq, t, 0, CHUNK, new int[] {0}, null));
        }
        List<TestRecord<String, PageHeatChunk>> heat = d.pageHeat.readRecordsToList();
        TestRecord<String, PageHeatChunk> tombstone = heat.stream().filter(r -> r.value() == null).findFirst().orElseThrow();
        assertEquals("vm-1#1", tombstone.key());
        assertNull(d.chunkStore().get(ChunkKeys.storeKey("vm-1", 1)));
        List<HeatSummary> summaries = d.summaries.readValuesToList();
        assertEquals(CHUNK, summaries.get(summaries.size() - 1).getPagesPerState().values().stream()
                .mapToLong(Long::longValue).sum());
    }

    @Test
    void aQuietVmIsSummarisedByStreamTimeAndForgottenAfterTheTtl() {
        Driver d = driver();
        d.send(scan("vm-gone", 0, 1_000, CHUNK, 5));
        d.send(scan("vm-gone", 1, 2_000, CHUNK, 5));
        for (long t = 1_000, seq = 0; t < 11_500; t += 1_000, seq++) {
            d.send(scan("vm-live", seq, t, CHUNK, 1));
        }
        assertTrue(d.summaries.readValuesToList().stream().noneMatch(s -> s.getVmId().equals("vm-gone")),
                "the window [0, 10 s) is still in grace");
        d.send(scan("vm-live", 11, 12_000, CHUNK, 1)); // stream time 12 s closes [0, 10 s)
        HeatSummary gone = d.summaries.readKeyValuesToMap().get("vm-gone");
        assertEquals(1, gone.getHotPages(), "page 5 was accessed twice: warm");
        d.pageHeat.readRecordsToList();

        d.send(scan("vm-live", 12, 2_000 + TTL_MS, CHUNK, 1)); // 30 s after vm-gone's last scan
        List<TestRecord<String, PageHeatChunk>> heat = d.pageHeat.readRecordsToList();
        assertEquals(List.of("vm-gone#0"), heat.stream().filter(r -> r.value() == null).map(TestRecord::key).toList());
        assertEquals(List.of(), keys(d.chunkStore()).stream().filter(k -> k.startsWith(ChunkKeys.storePrefix("vm-gone"))).toList());
        assertNull(d.driver.getKeyValueStore(HeatStores.VMS).get("vm-gone"));

        d.send(scan("vm-gone", 0, 3_000 + TTL_MS, CHUNK, 5)); // back, restarted: sequence 0 applies again
        assertEquals(1L, keys(d.chunkStore()).stream().filter(k -> k.startsWith(ChunkKeys.storePrefix("vm-gone"))).count());
    }

    @Test
    void vmIdsThatContainTheKeySeparatorKeepTheirChunksApart() {
        Driver d = driver();
        d.send(scan("a", 0, 1_000, CHUNK, 1));
        d.send(scan("a#1", 0, 1_000, 0, 2 * CHUNK, new int[] {2}, null));
        d.send(scan("a", 1, 11_000, CHUNK, 1));
        d.send(scan("a#1", 1, 11_000, 0, 2 * CHUNK, new int[] {2}, null));
        Map<String, HeatSummary> s = d.summaries.readKeyValuesToMap();
        assertEquals(CHUNK, s.get("a").getPagesPerState().values().stream().mapToLong(Long::longValue).sum());
        assertEquals(2 * CHUNK, s.get("a#1").getPagesPerState().values().stream().mapToLong(Long::longValue).sum());
    }

    @Test
    void badBitmapsAndUnalignedScansGoToTheDeadLetterTopicWithTheReason() {
        Driver d = driver();
        AdScan pastEnd = scan("vm-1", 0, 1_000, 60, 1);
        pastEnd.getAccessed().put(7, (byte) 0xF0); // bits 60..63 beyond a 60-page range
        AdScan shortDirty = scan("vm-1", 0, 1_000, 0, 64, new int[] {1}, new int[] {1});
        shortDirty.setDirty(ByteBuffer.wrap(new byte[3]));
        AdScan unaligned = scan("vm-1", 0, 1_000, 32, 64, new int[] {1}, null);
        List<byte[]> sent = new ArrayList<>();
        for (AdScan bad : List.of(pastEnd, shortDirty, unaligned)) {
            byte[] bytes = serializer.serialize(Topic.AD_SCANS.topicName(), bad);
            sent.add(bytes);
            d.scans.pipeInput("vm-1".getBytes(StandardCharsets.UTF_8), bytes, 1_000);
        }
        List<TestRecord<byte[], byte[]>> dlq = d.deadLetters.readRecordsToList();
        assertEquals(3, dlq.size());
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(sent.get(i), dlq.get(i).value(), "original bytes kept");
            assertEquals(Topic.AD_SCANS.topicName(), header(dlq.get(i), DeadLetter.SOURCE_TOPIC));
        }
        assertEquals("accessed bitmap of VM vm-1 at gfn 0 (scan 0) sets bit 60 beyond its pageCount 60 (last byte 0xf0)",
                header(dlq.get(0), DeadLetter.REASON));
        assertTrue(header(dlq.get(1), DeadLetter.REASON).contains("dirty bitmap holds 3 bytes but pageCount 64 needs 8"));
        assertTrue(header(dlq.get(2), DeadLetter.REASON).contains("baseGfn 32 does not start on a heat chunk boundary"));
        assertTrue(d.changes.isEmpty());
        assertEquals(List.of(), keys(d.chunkStore()), "rejected scans leave no state");
    }

    @Test
    void aNewInstanceWithTheStoresOfACrashedOneContinuesLikeAnUninterruptedRun() {
        List<AdScan> input = new ArrayList<>();
        for (int seq = 0; seq < 30; seq++) {
            int[] pages = seq % 7 == 3 ? new int[] {} : range(seq % 5, 10 + seq % 11);
            input.add(scan("vm-1", seq, 1_000 + seq * 1_000L, 0, 2 * CHUNK, pages, range(seq % 3, 4)));
        }
        Driver uninterrupted = driver();
        input.forEach(uninterrupted::send);
        Driver first = driver();
        input.subList(0, 14).forEach(first::send);
        Map<String, List<String>> beforeCrash = outputs(first);
        Map<String, Map<String, byte[]>> stores = new LinkedHashMap<>();
        for (String store : List.of(HeatStores.CHUNKS, HeatStores.VMS)) {
            stores.put(store, rawStore(first, store));
        }
        Driver second = driver(); // its stores are loaded with what the changelogs of the first held
        stores.forEach((store, contents) -> {
            KeyValueStore<String, Object> target = second.driver.getKeyValueStore(store);
            contents.forEach((k, v) -> target.put(k, serde(store).deserializer().deserialize("", v)));
        });
        input.subList(14, 30).forEach(second::send);
        Map<String, List<String>> all = outputs(uninterrupted);
        Map<String, List<String>> afterRestore = outputs(second);
        for (String topic : all.keySet()) {
            assertTrue(afterRestore.get(topic).size() >= 2, topic + " has output after the restore");
            List<String> joined = new ArrayList<>(beforeCrash.get(topic));
            joined.addAll(afterRestore.get(topic));
            assertEquals(all.get(topic), joined, topic);
        }
    }

    private static Map<String, byte[]> rawStore(Driver d, String store) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        KeyValueStore<String, Object> s = d.driver.getKeyValueStore(store);
        try (KeyValueIterator<String, Object> it = s.all()) {
            it.forEachRemaining(kv -> out.put(kv.key, serde(store).serializer().serialize("", kv.value)));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Serde<Object> serde(String store) {
        return (Serde<Object>) (Serde<?>) (store.equals(HeatStores.VMS) ? VmWindow.serde() : StoredChunk.serde(GapPolicy.IDLE));
    }

    /** Everything the driver's heat topics got since the last call, per topic, as text. */
    private static Map<String, List<String>> outputs(Driver d) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        out.put("changes", d.changes.readValuesToList().stream().map(HeatTopologyTest::describe).toList());
        out.put("page heat", d.pageHeat.readRecordsToList().stream().map(r -> r.key() + " "
                + (r.value() == null ? "tombstone" : Arrays.toString(bytes(r.value().getAccessStates())))).toList());
        out.put("summaries", d.summaries.readValuesToList().stream().map(HeatSummary::toString).toList());
        return out;
    }

    private static <V> List<String> keys(KeyValueStore<String, V> store) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, V> it = store.all()) {
            it.forEachRemaining((KeyValue<String, V> kv) -> keys.add(kv.key));
        }
        return keys;
    }

    static String describe(HeatChange c) {
        return c.getScanSeq() + "/" + c.getChunkIndex() + "/" + c.getBit() + " hot=" + c.getBecameHot() + " cold=" + c.getBecameCold();
    }

    static byte[] bytes(ByteBuffer b) {
        return HeatScanChecks.bytes(b);
    }

    private static String header(TestRecord<byte[], byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
