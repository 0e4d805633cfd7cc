package io.tierscope.streams;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import io.tierscope.schemas.serde.SpecificAvroDeserializer;
import io.tierscope.schemas.serde.SpecificAvroSerializer;
import io.tierscope.streams.decode.InputBounds;
import io.tierscope.streams.decode.InputChecks;
import io.tierscope.topics.DeadLetter;
import io.tierscope.topics.Topic;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes the whole topology (TopologyTestDriver, the runner's Kafka Streams settings including the
 * exception handlers, the real registry) with valid sample batches and A/D scans, each field of
 * both mutated to out-of-range values, random values and byte-level damage. Each input record must
 * be processed or dead-lettered (original bytes, a reason), never both, never make the topology
 * throw; a record known bad must be dead-lettered and a valid one must not be; no output carries a
 * timestamp outside [0, wall clock + max ahead] or a negative (or NaN) number anywhere.
 * {@code -Dtierscope.fuzz.records=N} sets the records per input topic: 25,000 by default (each of the ~80 cases
 * runs some 350 times), 100,000 under {@code -Psoak}.
 */
@ExtendWith(PlatformExtension.class)
class PoisonFuzzIT {
    private static final int RECORDS = Integer.getInteger("tierscope.fuzz.records", 25_000);
    private static final Instant WALL_CLOCK = Instant.parse("2026-06-01T00:00:00Z");
    private static final long NOW = WALL_CLOCK.toEpochMilli();
    private static final InputBounds BOUNDS = InputBounds.defaults();
    private static final int CHUNK = 32_768; // the default tierscope.heat.chunk.pages
    private static final int VMS = 12;

    enum Expect { VALID, INVALID, EITHER }

    /** One input record and what the topology must do with it. */
    record Case(String what, byte[] key, byte[] value, long timestamp, Expect expect) {
    }

    /** A mutation of a valid record of type T (keyed by its vmId) into a case. */
    record Mutation<T>(String name, Expect expect, BiFunction<T, Random, Case> apply) {
    }

    private TopologyTestDriver driver;
    private SchemaRegistryClient registry;
    private SpecificAvroSerializer<SpecificRecord> serializer;
    private TestInputTopic<byte[], byte[]> samplesIn;
    private TestInputTopic<byte[], byte[]> scansIn;
    private TestOutputTopic<byte[], byte[]> deadLetters;
    private final Map<Topic, TestOutputTopic<String, byte[]>> outputs = new EnumMap<>(Topic.class);
    private final Map<Topic, Integer> outputCounts = new EnumMap<>(Topic.class);
    private final Map<String, int[]> outcomes = new TreeMap<>(); // case name -> {processed, dead-lettered}
    private final Random random = new Random(20261130);
    /** Event time of the valid records: advances with every one, starts hours behind the wall clock. */
    private long eventClock = NOW - Duration.ofHours(6).toMillis();
    private long sequence;

    @BeforeEach
    void setUp(Platform platform, @TempDir Path stateDir) {
        StreamsAppConfig config = new StreamsAppConfig(Duration.ofSeconds(10), Duration.ofSeconds(1), "xwr");
        driver = new TopologyTestDriver(TierscopeTopology.build(config, new TopologySerdes(platform.schemaRegistryUrl())),
                StreamsRunner.streamsProperties("unused:9092", "fuzz", stateDir, Map.of()), WALL_CLOCK);
        registry = new SchemaRegistryClient(platform.schemaRegistryUrl(), 10_000);
        serializer = new SpecificAvroSerializer<>(registry, true);
        samplesIn = driver.createInputTopic(Topic.RAW_SAMPLES.topicName(), new ByteArraySerializer(), new ByteArraySerializer());
        scansIn = driver.createInputTopic(Topic.AD_SCANS.topicName(), new ByteArraySerializer(), new ByteArraySerializer());
        deadLetters = driver.createOutputTopic(Topic.DEAD_LETTER.topicName(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        for (Topic t : List.of(Topic.INGEST_STATS, Topic.MRC_HISTORY, Topic.MRC_LATEST, Topic.PAGE_HEAT,
                Topic.HEAT_CHANGES, Topic.HEAT_SUMMARY)) {
            outputs.put(t, driver.createOutputTopic(t.topicName(), new StringDeserializer(), new ByteArrayDeserializer()));
        }
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void everyRecordIsProcessedOrDeadLetteredAndNoOutputIsOutOfBounds() {
        List<Mutation<SampleBatch>> batchMutations = batchMutations();
        List<Mutation<AdScan>> scanMutations = scanMutations();
        for (int i = 0; i < RECORDS; i++) {
            pipe(samplesIn, next(validBatch(), batchMutations));
            pipe(scansIn, next(validScan(), scanMutations));
            if (i % 1000 == 999) {
                checkOutputs();
            }
        }
        checkOutputs();

        StringBuilder table = new StringBuilder("case | processed | dead-lettered\n");
        outcomes.forEach((name, n) -> table.append(name).append(" | ").append(n[0]).append(" | ").append(n[1]).append('\n'));
        System.out.println("PoisonFuzzIT, " + RECORDS + " records per input topic, outputs " + outputCounts + "\n" + table);
        for (Mutation<?> m : concat(batchMutations, scanMutations)) {
            assertTrue(outcomes.containsKey(m.name()), "mutation never ran: " + m.name());
        }
        for (Topic t : outputs.keySet()) {
            assertTrue(outputCounts.getOrDefault(t, 0) > 0, "the valid records produced no " + t.topicName());
        }
    }

    private <T> Case next(T valid, List<Mutation<T>> mutations) {
        double roll = random.nextDouble();
        if (roll < 0.35) {
            return mutations.get(0).apply().apply(valid, random); // mutation 0 is "valid": no change
        }
        Mutation<T> m = mutations.get(1 + random.nextInt(mutations.size() - 1));
        return m.apply().apply(valid, random);
    }

    private void pipe(TestInputTopic<byte[], byte[]> in, Case c) {
        try {
            in.pipeInput(new TestRecord<>(c.key(), c.value(), new RecordHeaders(), Instant.ofEpochMilli(Math.max(0, c.timestamp()))));
        } catch (RuntimeException e) {
            fail("case '" + c.what() + "' made the topology throw", e);
        }
        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        int[] n = outcomes.computeIfAbsent(c.what(), k -> new int[2]);
        if (dead.isEmpty()) {
            assertFalse(c.expect() == Expect.INVALID, "case '" + c.what() + "' was processed, not dead-lettered");
            n[0]++;
            return;
        }
        assertFalse(c.expect() == Expect.VALID, () -> "valid case '" + c.what() + "' was dead-lettered: " + reason(dead.get(0)));
        assertEquals(1, dead.size(), () -> "case '" + c.what() + "' dead-lettered " + dead.size() + " times");
        TestRecord<byte[], byte[]> d = dead.get(0);
        String reason = reason(d);
        assertNotNull(reason, "dead letter of '" + c.what() + "' without a reason");
        assertFalse(reason.isBlank(), "dead letter of '" + c.what() + "' with an empty reason");
        assertArrayEquals(c.value(), d.value(), "dead letter of '" + c.what() + "' changed the value bytes");
        assertArrayEquals(c.key(), d.key(), "dead letter of '" + c.what() + "' changed the key bytes");
        assertEquals(NOW, d.timestamp(), "dead letters are stamped with the wall clock");
        n[1]++;
    }

    private static String reason(TestRecord<byte[], byte[]> deadLetter) {
        Header h = deadLetter.headers().lastHeader(DeadLetter.REASON);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private void checkOutputs() {
        long latest = NOW + BOUNDS.maxAheadMs();
        for (Map.Entry<Topic, TestOutputTopic<String, byte[]>> e : outputs.entrySet()) {
            Topic topic = e.getKey();
            SpecificAvroDeserializer<? extends SpecificRecord> de = new SpecificAvroDeserializer<>(topic.valueType(), registry);
            for (TestRecord<String, byte[]> r : e.getValue().readRecordsToList()) {
                outputCounts.merge(topic, 1, Integer::sum);
                long ts = r.timestamp();
                assertTrue(ts >= 0 && ts <= latest, topic.topicName() + " record for " + r.key() + " stamped " + ts
                        + ", outside [0, " + latest + "]");
                if (r.value() != null) {
                    SpecificRecord value = de.deserialize(topic.topicName(), r.value());
                    assertNonNegative(value, topic.topicName() + " " + r.key());
                }
            }
        }
    }

    /** Every number anywhere in an output record is finite and >= 0: counts, times, gfns, ratios. */
    private static void assertNonNegative(Object value, String where) {
        if (value instanceof SpecificRecord record) {
            for (Schema.Field f : record.getSchema().getFields()) {
                assertNonNegative(record.get(f.pos()), where + "." + f.name());
            }
        } else if (value instanceof Number number) {
            double d = number.doubleValue();
            assertTrue(d >= 0 && !Double.isInfinite(d), where + " is " + number);
        } else if (value instanceof Iterable<?> items) {
            items.forEach(item -> assertNonNegative(item, where + "[]"));
        } else if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> assertNonNegative(v, where + "[" + k + "]"));
        }
    }

    // --- valid records ---------------------------------------------------------------------------------

    private SampleBatch validBatch() {
        eventClock += 5 + random.nextInt(40);
        String vm = "fuzz-vm-" + random.nextInt(VMS);
        int count = random.nextInt(33);
        long[] gfns = new long[count];
        byte[] xwr = new byte[count];
        long base = random.nextInt(1 << 16);
        for (int i = 0; i < count; i++) {
            gfns[i] = base + random.nextInt(4096);
            xwr[i] = (byte) (1 + random.nextInt(7));
        }
        boolean filtered = random.nextInt(10) == 0;
        return SampleBatch.newBuilder().setVmId(vm).setHost("host-" + vm.hashCode() % 3).setSource(SampleSource.SYNTHETIC)
                .setBatchSeq(sequence++).setStartTimeMs(eventClock - random.nextInt(500)).setEndTimeMs(eventClock)
                .setSampleCount(count).setSamples(SampleCodec.encode(gfns, xwr, count))
                .setSamplingHz(random.nextInt(2000)).setDroppedSinceLastBatch(random.nextInt(5))
                .setPrefilterRate(filtered ? 0.5 : 1.0).setPrefilteredOut(filtered ? random.nextInt(20) : 0)
                .build();
    }

    private AdScan validScan() {
        eventClock += 5 + random.nextInt(40);
        String vm = "fuzz-vm-" + random.nextInt(VMS);
        int pages = 1 + random.nextInt(200);
        return AdScan.newBuilder().setVmId(vm).setHost("host-1").setSource(ScanSource.SYNTHETIC).setScanSeq(sequence++)
                .setTimeMs(eventClock).setPeriodMs(1000).setBaseGfn((long) random.nextInt(4) * CHUNK).setPageCount(pages)
                .setAccessed(ByteBuffer.wrap(bitmap(pages)))
                .setDirty(random.nextBoolean() ? null : ByteBuffer.wrap(bitmap(pages)))
                .build();
    }

    private byte[] bitmap(int pages) {
        byte[] b = new byte[SampleCodec.bitmapBytes(pages)];
        for (int p = 0; p < pages; p++) {
            if (random.nextInt(3) == 0) {
                b[p >>> 3] |= (byte) (1 << (p & 7));
            }
        }
        return b;
    }

    // --- mutations -------------------------------------------------------------------------------------

    private Case encode(String what, String key, SpecificRecord value, long timestamp, Expect expect) {
        byte[] bytes = serializer.serialize(value instanceof SampleBatch ? Topic.RAW_SAMPLES.topicName()
                : Topic.AD_SCANS.topicName(), value);
        return new Case(what, key == null ? null : key.getBytes(StandardCharsets.UTF_8), bytes, timestamp, expect);
    }

    private static <T> Mutation<T> m(String name, Expect expect, BiFunction<T, Random, Case> apply) {
        return new Mutation<>(name, expect, apply);
    }

    /** A field of a builder set, the case named after it; the key stays the (original) vmId. */
    private interface BatchEdit {
        void edit(SampleBatch.Builder b, Random r);
    }

    private interface ScanEdit {
        void edit(AdScan.Builder b, Random r);
    }

    private Mutation<SampleBatch> batch(String name, Expect expect, BatchEdit edit) {
        return m("batch " + name, expect, (valid, r) -> {
            SampleBatch.Builder b = SampleBatch.newBuilder(valid);
            edit.edit(b, r);
            SampleBatch out = b.build();
            return encode("batch " + name, valid.getVmId(), out, out.getEndTimeMs(), expect);
        });
    }

    private Mutation<AdScan> scan(String name, Expect expect, ScanEdit edit) {
        return m("scan " + name, expect, (valid, r) -> {
            AdScan.Builder b = AdScan.newBuilder(valid);
            edit.edit(b, r);
            AdScan out = b.build();
            return encode("scan " + name, valid.getVmId(), out, out.getTimeMs(), expect);
        });
    }

    /** Any long, biased towards the edges. */
    private static long anyLong(Random r) {
        long[] edges = {0, -1, 1, Long.MIN_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE, Integer.MIN_VALUE};
        return r.nextInt(3) == 0 ? edges[r.nextInt(edges.length)] : r.nextLong() >> r.nextInt(64);
    }

    private static int anyInt(Random r) {
        int[] edges = {0, -1, 1, Integer.MIN_VALUE, Integer.MAX_VALUE};
        return r.nextInt(3) == 0 ? edges[r.nextInt(edges.length)] : r.nextInt() >> r.nextInt(32);
    }

    private static long positive(Random r, long bound) {
        return 1 + (long) (r.nextDouble() * (bound - 1));
    }

    private static String controlled(String s, Random r) {
        int at = r.nextInt(s.length() + 1);
        return s.substring(0, at) + (char) r.nextInt(32) + s.substring(at);
    }

    private long newestValid() {
        return eventClock;
    }

    private List<Mutation<SampleBatch>> batchMutations() {
        List<Mutation<SampleBatch>> list = new ArrayList<>();
        list.add(batch("valid", Expect.VALID, (b, r) -> { }));
        // Out of range: always dead-lettered.
        list.add(m("batch vmId differs from key", Expect.INVALID, (v, r) ->
                encode("batch vmId differs from key", v.getVmId() + "x", v, v.getEndTimeMs(), Expect.INVALID)));
        list.add(m("batch empty vmId and key", Expect.INVALID, (v, r) -> {
            SampleBatch out = SampleBatch.newBuilder(v).setVmId("").build();
            return encode("batch empty vmId and key", "", out, v.getEndTimeMs(), Expect.INVALID);
        }));
        list.add(m("batch vmId too long", Expect.INVALID, (v, r) -> {
            String vm = "v".repeat(InputChecks.MAX_NAME_CHARS + 1 + r.nextInt(100));
            return encode("batch vmId too long", vm, SampleBatch.newBuilder(v).setVmId(vm).build(), v.getEndTimeMs(), Expect.INVALID);
        }));
        list.add(m("batch vmId control char", Expect.INVALID, (v, r) -> {
            String vm = controlled(v.getVmId(), r);
            return encode("batch vmId control char", vm, SampleBatch.newBuilder(v).setVmId(vm).build(), v.getEndTimeMs(), Expect.INVALID);
        }));
        list.add(batch("empty host", Expect.INVALID, (b, r) -> b.setHost("")));
        list.add(batch("host control char", Expect.INVALID, (b, r) -> b.setHost(controlled(b.getHost(), r))));
        list.add(batch("host too long", Expect.INVALID, (b, r) -> b.setHost("h".repeat(300))));
        list.add(batch("negative batchSeq", Expect.INVALID, (b, r) -> b.setBatchSeq(-positive(r, Long.MAX_VALUE))));
        list.add(batch("negative startTimeMs", Expect.INVALID, (b, r) -> b.setStartTimeMs(-positive(r, Long.MAX_VALUE))));
        list.add(batch("endTimeMs before startTimeMs", Expect.INVALID, (b, r) -> b.setEndTimeMs(b.getStartTimeMs() - positive(r, 1_000_000))));
        list.add(batch("span over a day", Expect.INVALID, (b, r) ->
                b.setStartTimeMs(b.getEndTimeMs() - InputChecks.MAX_BATCH_SPAN_MS - positive(r, 1_000_000))));
        list.add(batch("event time hours ahead", Expect.INVALID, (b, r) -> {
            long end = NOW + BOUNDS.maxAheadMs() + positive(r, 1_000_000_000_000L);
            b.setEndTimeMs(end).setStartTimeMs(end - 10);
        }));
        list.add(batch("event time near Long.MAX", Expect.INVALID, (b, r) -> b.setEndTimeMs(Long.MAX_VALUE - r.nextInt(1000))
                .setStartTimeMs(Long.MAX_VALUE - 1000)));
        list.add(batch("event time days behind", Expect.INVALID, (b, r) -> {
            long end = newestValid() - BOUNDS.maxBehindMs() - positive(r, 1_000_000_000L);
            b.setEndTimeMs(end).setStartTimeMs(end - 10);
        }));
        list.add(batch("negative sampleCount", Expect.INVALID, (b, r) -> b.setSampleCount(-(int) positive(r, Integer.MAX_VALUE))));
        list.add(batch("sampleCount above the bytes", Expect.INVALID, (b, r) -> b.setSampleCount(b.getSampleCount() + 1 + r.nextInt(1000))));
        list.add(batch("samples bytes not a multiple of 8", Expect.INVALID, (b, r) -> {
            ByteBuffer s = b.getSamples().duplicate();
            byte[] bytes = new byte[s.remaining() + 1 + r.nextInt(7)];
            s.get(bytes, 0, s.remaining());
            b.setSamples(ByteBuffer.wrap(bytes));
        }));
        list.add(batch("gfn not below 2^52", Expect.INVALID, (b, r) -> {
            long gfn = InputChecks.GFN_LIMIT + positive(r, SampleCodec.MAX_GFN - InputChecks.GFN_LIMIT);
            long[] gfns = {gfn};
            b.setSampleCount(1).setSamples(SampleCodec.encode(gfns, new byte[] {1}, 1));
        }));
        list.add(batch("negative samplingHz", Expect.INVALID, (b, r) -> b.setSamplingHz(-(int) positive(r, Integer.MAX_VALUE))));
        list.add(batch("negative droppedSinceLastBatch", Expect.INVALID, (b, r) -> b.setDroppedSinceLastBatch(-positive(r, Long.MAX_VALUE))));
        list.add(batch("prefilterRate out of (0,1]", Expect.INVALID, (b, r) -> b.setPrefilterRate(new double[] {0, -0.5, 1.0000001, 7,
                Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -Double.MIN_VALUE}[r.nextInt(8)])));
        list.add(batch("droppedSinceLastBatch above 2^40", Expect.INVALID, (b, r) ->
                b.setDroppedSinceLastBatch(InputChecks.MAX_COUNTER + positive(r, Long.MAX_VALUE - InputChecks.MAX_COUNTER))));
        list.add(batch("prefilteredOut above 2^40", Expect.INVALID, (b, r) -> b.setPrefilterRate(0.5)
                .setPrefilteredOut(InputChecks.MAX_COUNTER + positive(r, Long.MAX_VALUE - InputChecks.MAX_COUNTER))));
        list.add(batch("negative prefilteredOut", Expect.INVALID, (b, r) -> b.setPrefilteredOut(-positive(r, Long.MAX_VALUE))));
        list.add(batch("prefilteredOut without prefilter", Expect.INVALID, (b, r) -> b.setPrefilterRate(1.0).setPrefilteredOut(positive(r, 1000))));
        // Any value of any field: processed or dead-lettered, never a crash or a bad output.
        list.add(batch("any batchSeq", Expect.EITHER, (b, r) -> b.setBatchSeq(anyLong(r))));
        list.add(batch("any startTimeMs", Expect.EITHER, (b, r) -> b.setStartTimeMs(anyLong(r))));
        list.add(batch("any endTimeMs", Expect.EITHER, (b, r) -> b.setEndTimeMs(anyLong(r))));
        list.add(batch("any sampleCount", Expect.EITHER, (b, r) -> b.setSampleCount(anyInt(r))));
        list.add(batch("any sample bits", Expect.EITHER, (b, r) -> {
            int n = b.getSampleCount();
            ByteBuffer s = ByteBuffer.allocate(n * 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) {
                s.putLong(anyLong(r));
            }
            b.setSamples(s.flip());
        }));
        list.add(batch("any samplingHz", Expect.EITHER, (b, r) -> b.setSamplingHz(anyInt(r))));
        list.add(batch("any droppedSinceLastBatch", Expect.EITHER, (b, r) -> b.setDroppedSinceLastBatch(anyLong(r))));
        list.add(batch("any prefilterRate", Expect.EITHER, (b, r) -> b.setPrefilterRate(r.nextBoolean() ? r.nextDouble()
                : Double.longBitsToDouble(r.nextLong()))));
        list.add(batch("any prefilteredOut", Expect.EITHER, (b, r) -> b.setPrefilteredOut(anyLong(r))));
        list.add(batch("any source", Expect.EITHER, (b, r) -> b.setSource(SampleSource.values()[r.nextInt(SampleSource.values().length)])));
        list.add(batch("any host", Expect.EITHER, (b, r) -> b.setHost(randomString(r))));
        list.addAll(byteMutations("batch"));
        return list;
    }

    private List<Mutation<AdScan>> scanMutations() {
        List<Mutation<AdScan>> list = new ArrayList<>();
        list.add(scan("valid", Expect.VALID, (b, r) -> { }));
        list.add(m("scan vmId differs from key", Expect.INVALID, (v, r) ->
                encode("scan vmId differs from key", "other-" + v.getVmId(), v, v.getTimeMs(), Expect.INVALID)));
        list.add(m("scan vmId control char", Expect.INVALID, (v, r) -> {
            String vm = controlled(v.getVmId(), r);
            return encode("scan vmId control char", vm, AdScan.newBuilder(v).setVmId(vm).build(), v.getTimeMs(), Expect.INVALID);
        }));
        list.add(scan("empty host", Expect.INVALID, (b, r) -> b.setHost("")));
        list.add(scan("host control char", Expect.INVALID, (b, r) -> b.setHost(controlled(b.getHost(), r))));
        list.add(scan("negative scanSeq", Expect.INVALID, (b, r) -> b.setScanSeq(-positive(r, Long.MAX_VALUE))));
        list.add(scan("negative timeMs", Expect.INVALID, (b, r) -> b.setTimeMs(-positive(r, Long.MAX_VALUE))));
        list.add(scan("event time hours ahead", Expect.INVALID, (b, r) ->
                b.setTimeMs(NOW + BOUNDS.maxAheadMs() + positive(r, 1_000_000_000_000L))));
        list.add(scan("event time near Long.MAX", Expect.INVALID, (b, r) -> b.setTimeMs(Long.MAX_VALUE - r.nextInt(1000))));
        list.add(scan("event time days behind", Expect.INVALID, (b, r) ->
                b.setTimeMs(newestValid() - BOUNDS.maxBehindMs() - positive(r, 1_000_000_000L))));
        list.add(scan("periodMs not positive", Expect.INVALID, (b, r) -> b.setPeriodMs(-r.nextInt(Integer.MAX_VALUE))));
        list.add(scan("periodMs over a day", Expect.INVALID, (b, r) ->
                b.setPeriodMs(InputChecks.MAX_SCAN_PERIOD_MS + 1 + r.nextInt(Integer.MAX_VALUE - InputChecks.MAX_SCAN_PERIOD_MS))));
        list.add(scan("pageCount not positive", Expect.INVALID, (b, r) -> b.setPageCount(-r.nextInt(Integer.MAX_VALUE))));
        list.add(scan("negative baseGfn", Expect.INVALID, (b, r) -> b.setBaseGfn(-positive(r, Long.MAX_VALUE))));
        list.add(scan("baseGfn off a chunk boundary", Expect.INVALID, (b, r) -> b.setBaseGfn(b.getBaseGfn() + 1 + r.nextInt(CHUNK - 1))));
        list.add(scan("gfn range past 2^52", Expect.INVALID, (b, r) -> {
            int pages = CHUNK + 1 + r.nextInt(100);
            b.setBaseGfn(InputChecks.GFN_LIMIT - CHUNK).setPageCount(pages)
                    .setAccessed(ByteBuffer.wrap(new byte[SampleCodec.bitmapBytes(pages)])).setDirty(null);
        }));
        list.add(scan("baseGfn near Long.MAX", Expect.INVALID, (b, r) -> b.setBaseGfn(Long.MAX_VALUE / CHUNK * CHUNK)));
        list.add(scan("accessed bitmap length", Expect.INVALID, (b, r) ->
                b.setAccessed(ByteBuffer.wrap(new byte[b.getAccessed().remaining() + 1 + r.nextInt(10)]))));
        list.add(scan("dirty bitmap length", Expect.INVALID, (b, r) ->
                b.setDirty(ByteBuffer.wrap(new byte[SampleCodec.bitmapBytes(b.getPageCount()) + 1 + r.nextInt(10)]))));
        list.add(scan("bits past pageCount", Expect.INVALID, (b, r) -> {
            int pages = 8 * (1 + r.nextInt(20)) + 1 + r.nextInt(7); // not a multiple of 8: spare bits in the last byte
            byte[] bitmap = new byte[SampleCodec.bitmapBytes(pages)];
            bitmap[bitmap.length - 1] = (byte) 0x80;
            b.setPageCount(pages).setAccessed(ByteBuffer.wrap(bitmap)).setDirty(null);
        }));
        list.add(scan("any scanSeq", Expect.EITHER, (b, r) -> b.setScanSeq(anyLong(r))));
        list.add(scan("any timeMs", Expect.EITHER, (b, r) -> b.setTimeMs(anyLong(r))));
        list.add(scan("any periodMs", Expect.EITHER, (b, r) -> b.setPeriodMs(anyInt(r))));
        list.add(scan("any baseGfn", Expect.EITHER, (b, r) -> b.setBaseGfn(r.nextBoolean() ? anyLong(r) : anyLong(r) / CHUNK * CHUNK)));
        list.add(scan("any pageCount", Expect.EITHER, (b, r) -> b.setPageCount(r.nextBoolean() ? anyInt(r) : r.nextInt(300))));
        list.add(scan("any accessed bytes", Expect.EITHER, (b, r) -> {
            byte[] bytes = new byte[b.getAccessed().remaining()];
            r.nextBytes(bytes);
            b.setAccessed(ByteBuffer.wrap(bytes));
        }));
        list.add(scan("any dirty bytes", Expect.EITHER, (b, r) -> {
            byte[] bytes = new byte[r.nextBoolean() ? b.getAccessed().remaining() : r.nextInt(40)];
            r.nextBytes(bytes);
            b.setDirty(ByteBuffer.wrap(bytes));
        }));
        list.add(scan("runs reaching past pageCount", Expect.INVALID, (b, r) -> b.setAccessed(ByteBuffer.allocate(0))
                .setAccessedRuns(ByteBuffer.wrap(new byte[] {0, (byte) 0xFF, (byte) 0xFF, 0x7F}))));
        list.add(scan("runs beside a bitmap", Expect.INVALID, (b, r) -> b.setDirtyRuns(ByteBuffer.wrap(new byte[] {0, 1}))
                .setDirty(ByteBuffer.wrap(new byte[SampleCodec.bitmapBytes(b.getPageCount())]))));
        list.add(scan("any accessedRuns bytes", Expect.EITHER, (b, r) -> {
            byte[] bytes = new byte[r.nextInt(60)];
            r.nextBytes(bytes);
            b.setAccessed(ByteBuffer.allocate(0)).setAccessedRuns(ByteBuffer.wrap(bytes));
        }));
        list.add(scan("any dirtyRuns bytes", Expect.EITHER, (b, r) -> {
            byte[] bytes = new byte[r.nextInt(60)];
            r.nextBytes(bytes);
            b.setDirty(null).setDirtyRuns(ByteBuffer.wrap(bytes));
        }));
        list.add(scan("any source", Expect.EITHER, (b, r) -> b.setSource(ScanSource.values()[r.nextInt(ScanSource.values().length)])));
        list.add(scan("any host", Expect.EITHER, (b, r) -> b.setHost(randomString(r))));
        list.addAll(byteMutations("scan"));
        return list;
    }

    private static String randomString(Random r) {
        int n = r.nextInt(40);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) {
            s.append((char) r.nextInt(r.nextBoolean() ? 128 : 0xFFFF));
        }
        return s.toString();
    }

    /** Damage to the serialised record (value, key) rather than to a field. */
    private <T extends SpecificRecord> List<Mutation<T>> byteMutations(String kind) {
        List<Mutation<T>> list = new ArrayList<>();
        list.add(m(kind + " byte flipped", Expect.EITHER, (v, r) -> damage(kind + " byte flipped", v, r, (bytes, rr) -> {
            int at = 5 + rr.nextInt(bytes.length - 5);
            bytes[at] ^= (byte) (1 + rr.nextInt(255));
            return bytes;
        })));
        list.add(m(kind + " truncated", Expect.EITHER, (v, r) -> damage(kind + " truncated", v, r,
                (bytes, rr) -> Arrays.copyOf(bytes, rr.nextInt(bytes.length)))));
        list.add(m(kind + " trailing bytes", Expect.INVALID, (v, r) -> damage(kind + " trailing bytes", v, r,
                (bytes, rr) -> Arrays.copyOf(bytes, bytes.length + 1 + rr.nextInt(20)))));
        list.add(m(kind + " wrong magic byte", Expect.INVALID, (v, r) -> damage(kind + " wrong magic byte", v, r, (bytes, rr) -> {
            bytes[0] = (byte) (1 + rr.nextInt(255));
            return bytes;
        })));
        list.add(m(kind + " unknown or negative schema id", Expect.EITHER, (v, r) -> damage(kind + " unknown or negative schema id", v, r,
                (bytes, rr) -> {
                    int id = rr.nextBoolean() ? -(1 + rr.nextInt(1000)) : 1_000_000 + rr.nextInt(1000);
                    ByteBuffer.wrap(bytes, 1, 4).putInt(id);
                    return bytes;
                })));
        list.add(m(kind + " random bytes", Expect.EITHER, (v, r) -> damage(kind + " random bytes", v, r, (bytes, rr) -> {
            byte[] out = new byte[rr.nextInt(64)];
            rr.nextBytes(out);
            return out;
        })));
        list.add(m(kind + " null value", Expect.INVALID, (v, r) -> damage(kind + " null value", v, r, (bytes, rr) -> null)));
        list.add(m(kind + " null key", Expect.INVALID, (v, r) -> {
            Case c = encode(kind + " null key", vmIdOf(v), v, timeOf(v), Expect.INVALID);
            return new Case(c.what(), null, c.value(), c.timestamp(), Expect.INVALID);
        }));
        list.add(m(kind + " key not UTF-8", Expect.INVALID, (v, r) -> {
            Case c = encode(kind + " key not UTF-8", vmIdOf(v), v, timeOf(v), Expect.INVALID);
            return new Case(c.what(), new byte[] {(byte) 0xc3, (byte) 0x28}, c.value(), c.timestamp(), Expect.INVALID);
        }));
        return list;
    }

    private Case damage(String what, SpecificRecord v, Random r, BiFunction<byte[], Random, byte[]> change) {
        Case c = encode(what, vmIdOf(v), v, timeOf(v), Expect.EITHER);
        Expect expect = what.endsWith("trailing bytes") || what.endsWith("wrong magic byte") || what.endsWith("null value")
                ? Expect.INVALID : Expect.EITHER;
        return new Case(what, c.key(), change.apply(c.value(), r), c.timestamp(), expect);
    }

    private static String vmIdOf(SpecificRecord v) {
        return v instanceof SampleBatch b ? b.getVmId() : ((AdScan) v).getVmId();
    }

    private static long timeOf(SpecificRecord v) {
        return v instanceof SampleBatch b ? b.getEndTimeMs() : ((AdScan) v).getTimeMs();
    }

    private static List<Mutation<?>> concat(List<? extends Mutation<?>> a, List<? extends Mutation<?>> b) {
        List<Mutation<?>> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
