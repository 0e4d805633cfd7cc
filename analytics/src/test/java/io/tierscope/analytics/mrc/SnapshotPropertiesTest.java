package io.tierscope.analytics.mrc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SnapshotPropertiesTest {

    @Provide
    Arbitrary<long[]> traces() {
        return Arbitraries.integers().between(1, 5000).flatMap(pages ->
                Arbitraries.longs().between(0, pages).array(long[].class).ofMinSize(0).ofMaxSize(4000));
    }

    @Provide
    Arbitrary<MrcConfig> configs() {
        return Arbitraries.of(MrcConfig.exact(), MrcConfig.fixedRate(0.3), MrcConfig.fixedSize(64),
                MrcConfig.fixedSize(7).withTemporalPeriod(3), MrcConfig.exact().withTemporalPeriod(50),
                MrcConfig.fixedRate(0.5).withDecay(0.3).withPageSize(2 << 20),
                // Tiny exact heads: pages leave them within short traces.
                MrcConfig.fixedSize(64).withHeadPages(3), MrcConfig.fixedRate(0.3).withHeadPages(1),
                MrcConfig.fixedSize(16).withHeadPages(8).withTemporalPeriod(5), MrcConfig.fixedSize(64).withHeadPages(0));
    }

    @Provide
    Arbitrary<Double> prefilterRates() {
        return Arbitraries.of(1.0, 0.5, 0.05);
    }

    /** restore(snapshot(e)) must behave exactly like e from then on: same curves, same next snapshot. */
    @Property(tries = 120)
    void restoredEngineBehavesIdentically(@ForAll("traces") long[] trace, @ForAll("configs") MrcConfig config,
                                          @ForAll @IntRange(min = 0, max = 100) int cutPercent,
                                          @ForAll("prefilterRates") double prefilterRate) {
        int cut = trace.length * cutPercent / 100;
        MrcEngine original = new MrcEngine(42, config);
        feed(original, trace, 0, cut / 2);
        original.declarePrefilterRate(prefilterRate); // a lowered threshold is engine state too
        feed(original, trace, cut / 2, cut);
        MrcEngine restored = MrcEngine.restore(original.snapshot());
        feed(original, trace, cut, trace.length);
        feed(restored, trace, cut, trace.length);
        for (MrcEngine.Histogram h : MrcEngine.Histogram.values()) {
            MissRatioCurve a = original.curve(h, CacheSizeGrid.logSpaced(1, 100_000, 3));
            MissRatioCurve b = restored.curve(h, CacheSizeGrid.logSpaced(1, 100_000, 3));
            assertArrayEquals(a.missRatio(), b.missRatio(), h.name());
            assertEquals(a.workingSetPages(), b.workingSetPages());
            assertEquals(a.references(), b.references());
        }
        assertEquals(original.trackedPages(), restored.trackedPages());
        assertArrayEquals(original.snapshot(), restored.snapshot());
    }

    /** Cutting a snapshot anywhere is reported as a corrupt snapshot, never an index error or a silent partial engine. */
    @Property(tries = 60)
    void everyTruncationIsAClearError(@ForAll("traces") long[] trace, @ForAll("configs") MrcConfig config,
                                      @ForAll @IntRange(min = 0, max = 99) int cutPercent) {
        MrcEngine e = new MrcEngine(7, config);
        feed(e, trace, 0, trace.length);
        byte[] full = e.snapshot();
        byte[] cut = Arrays.copyOf(full, full.length * cutPercent / 100);
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class, () -> MrcEngine.restore(cut));
        assertTrue(error.getMessage().contains("MRC") && error.getMessage().contains("snapshot"), error.getMessage());
    }

    /**
     * Snapshots in format 1 (written by an earlier release; the fixtures were produced by it from
     * the trace below) still restore to an engine that carries on like one fed directly: the same
     * engine for a sampled one; for an exact one, its history keeps the buckets it was written
     * with (exact below 128 pages, at most 1.6% wide above), so its curves match the directly fed
     * engine exactly below 128 pages and within that blur above.
     */
    @ParameterizedTest
    @CsvSource({"fixed-size-256-temporal-7.v1, 5, FIXED_SIZE", "exact.v1, 6, EXACT"})
    void formatOneSnapshotsStillRestore(String fixture, long vmKey, MrcConfig.Mode mode) throws IOException {
        // Format 1 was written by plain SHARDS engines: they restore without an exact head.
        MrcConfig config = (mode == MrcConfig.Mode.EXACT ? MrcConfig.exact()
                : MrcConfig.fixedSize(256).withTemporalPeriod(7)).withHeadPages(0);
        long[] trace = fixtureTrace(25_000);
        MrcEngine direct = new MrcEngine(vmKey, config);
        feed(direct, trace, 0, 20_000);
        byte[] v1 = fixture(fixture);
        assertEquals(1, v1[4], "fixture is format 1");
        MrcEngine restored = MrcEngine.restore(v1);
        assertCarriesOnLike(direct, restored, trace, mode == MrcConfig.Mode.EXACT);
    }

    /**
     * Format 4 (the release before per-distance exact counts) restores: the curves are the ones that
     * release reported from the same state (written beside the fixtures), and the engine carries on
     * like one fed directly.
     */
    @ParameterizedTest
    @CsvSource({"fixed-size-256-head-512.v4, 5, FIXED_SIZE", "exact.v4, 6, EXACT"})
    void formatFourSnapshotsStillRestore(String fixture, long vmKey, MrcConfig.Mode mode) throws IOException {
        MrcConfig config = mode == MrcConfig.Mode.EXACT ? MrcConfig.exact() : MrcConfig.fixedSize(256).withHeadPages(512);
        byte[] v4 = fixture(fixture);
        assertEquals(4, v4[4], "fixture is format 4");
        MrcEngine restored = MrcEngine.restore(v4);
        assertEquals(config, restored.config());
        MrcEngine reported = MrcEngine.restore(v4); // curves flush pending counts: a copy of its own
        for (String line : new String(fixture(fixture + ".curves"), StandardCharsets.US_ASCII).lines().toList()) {
            String[] fields = line.split(",");
            double[] want = Arrays.stream(fields).skip(1).filter(f -> !f.startsWith("ws=")).mapToDouble(Double::parseDouble)
                    .toArray();
            MrcEngine.Histogram h = MrcEngine.Histogram.valueOf(fields[0]);
            assertArrayEquals(want, reported.curve(h, CacheSizeGrid.logSpaced(1, 10_000, 4)).missRatio(), 1e-12, h.name());
        }
        long[] trace = fixtureTrace(25_000);
        MrcEngine direct = new MrcEngine(vmKey, config);
        feed(direct, trace, 0, 20_000);
        assertCarriesOnLike(direct, restored, trace, mode == MrcConfig.Mode.EXACT);
    }

    /** Feeds the rest of the fixture trace to both and compares them (see the fixture tests). */
    private static void assertCarriesOnLike(MrcEngine direct, MrcEngine restored, long[] trace, boolean exactFromBuckets) {
        if (!exactFromBuckets) {
            assertArrayEquals(direct.snapshot(), restored.snapshot());
        }
        feed(direct, trace, 20_000, trace.length);
        feed(restored, trace, 20_000, trace.length);
        CacheSizeGrid grid = CacheSizeGrid.logSpaced(1, 10_000, 4);
        for (MrcEngine.Histogram h : MrcEngine.Histogram.values()) {
            double[] want = direct.curve(h, grid).missRatio();
            double[] got = restored.curve(h, grid).missRatio();
            if (!exactFromBuckets) {
                assertArrayEquals(want, got, h.name());
                continue;
            }
            long[] sizes = grid.pages();
            for (int i = 0; i < sizes.length; i++) {
                assertEquals(want[i], got[i], sizes[i] < 128 ? 1e-12 : 0.02, h + " size " + sizes[i]);
            }
        }
        if (!exactFromBuckets) {
            assertArrayEquals(direct.snapshot(), restored.snapshot());
        }
        assertArrayEquals(restored.snapshot(), MrcEngine.restore(restored.snapshot()).snapshot());
    }

    private byte[] fixture(String name) throws IOException {
        try (InputStream in = getClass().getResourceAsStream("/mrc-snapshots/" + name)) {
            return in.readAllBytes();
        }
    }

    /**
     * Format 3 engines had a heavy hot set (tracked besides the sample), which the exact head
     * replaced: the fixture, written by that release from the same trace, restores as a plain
     * SHARDS engine whose curves are the ones that release reported, its sample within S_max.
     */
    @Test
    void formatThreeSnapshotRestoresAsPlainShards() throws IOException {
        byte[] v3;
        List<String> curves;
        try (InputStream in = getClass().getResourceAsStream("/mrc-snapshots/fixed-size-256-heavy-64.v3");
             InputStream c = getClass().getResourceAsStream("/mrc-snapshots/fixed-size-256-heavy-64.v3.curves")) {
            v3 = in.readAllBytes();
            curves = new String(c.readAllBytes(), StandardCharsets.US_ASCII).lines().toList();
        }
        assertEquals(3, v3[4], "fixture is format 3");
        MrcEngine restored = MrcEngine.restore(v3);
        assertEquals(0, restored.config().headPages());
        assertEquals(0, restored.headPages());
        assertEquals(256, restored.trackedPages());
        for (String line : curves) {
            String[] fields = line.split(",");
            double[] want = Arrays.stream(fields).skip(1).mapToDouble(Double::parseDouble).toArray();
            MrcEngine.Histogram h = MrcEngine.Histogram.valueOf(fields[0]);
            assertArrayEquals(want, restored.curve(h, CacheSizeGrid.logSpaced(1, 10_000, 4)).missRatio(), 1e-12, h.name());
        }
        long[] trace = fixtureTrace(25_000);
        feed(restored, trace, 20_000, trace.length);
        assertTrue(restored.trackedPages() <= 256);
        assertArrayEquals(restored.snapshot(), MrcEngine.restore(restored.snapshot()).snapshot());
    }

    /** The generator the format-1 fixtures were written from: an LCG over 3000 pages, every third page hot. */
    static long[] fixtureTrace(int n) {
        long[] trace = new long[n];
        long x = 1;
        for (int i = 0; i < n; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            trace[i] = ((x >>> 33) % 3000) * ((x >>> 20) % 3) / 2;
        }
        return trace;
    }

    /** Feeds a slice, closing a window and advancing the temporal clock as a topology would. */
    private static void feed(MrcEngine e, long[] trace, int from, int to) {
        for (int i = from; i < to; i++) {
            e.setClock(i);
            e.accept(trace[i]);
            if (i % 997 == 996) {
                e.closeWindow();
            }
        }
    }
}
