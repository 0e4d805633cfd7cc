package io.tierscope.analytics.mrc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.analytics.sampling.SpatialFilter;
import io.tierscope.analytics.sampling.SpatialHash;
import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * A collector's spatial pre-filter uses the engine's own hash, so an engine told the pre-filter
 * rate (and how many references it removed) must compute exactly what it computes from the
 * unfiltered stream when sampling at that rate itself.
 */
class PrefilterPropertiesTest {
    private static final long VM = 42;
    private static final int BATCH = 250;

    @Provide
    Arbitrary<long[]> traces() {
        return Arbitraries.integers().between(1, 4000).flatMap(pages ->
                Arbitraries.longs().between(0, pages).array(long[].class).ofMinSize(0).ofMaxSize(4000));
    }

    @Provide
    Arbitrary<MrcConfig> configs() {
        return Arbitraries.of(MrcConfig.exact(), MrcConfig.fixedRate(0.3), MrcConfig.fixedRate(0.05),
                MrcConfig.fixedSize(64), MrcConfig.fixedSize(7).withTemporalPeriod(3),
                MrcConfig.exact().withTemporalPeriod(50));
    }

    /** One pre-filter rate per batch of {@value #BATCH} references; a VM's collector may change it midway. */
    @Provide
    Arbitrary<double[]> rates() {
        return Arbitraries.of(1.0, 0.5, 0.2, 0.1, 0.02).array(double[].class).ofMinSize(1).ofMaxSize(17);
    }

    @Property(tries = 120)
    void filteredStreamWithDeclaredRateEqualsUnfilteredStream(@ForAll("traces") long[] trace,
                                                               @ForAll("configs") MrcConfig config,
                                                               @ForAll("rates") double[] rates) {
        MrcEngine unfiltered = new MrcEngine(VM, config);
        MrcEngine filtered = new MrcEngine(VM, config);
        long[] kept = new long[BATCH];
        byte[] bits = new byte[BATCH];
        double lowest = 1;
        for (int from = 0, b = 0; from < trace.length; from += BATCH, b++) {
            int to = Math.min(trace.length, from + BATCH);
            double r = rates[b % rates.length];
            lowest = Math.min(lowest, r);
            unfiltered.declarePrefilterRate(r);
            for (int i = from; i < to; i++) {
                unfiltered.setClock(i);
                unfiltered.accept(trace[i]);
            }
            // The collector's side: filter the batch, remember each kept sample's clock.
            int n = 0;
            long[] clocks = new long[BATCH];
            SpatialFilter filter = new SpatialFilter(VM, SpatialHash.thresholdForRate(r));
            for (int i = from; i < to; i++) {
                if (filter.test(trace[i])) {
                    clocks[n] = i;
                    kept[n++] = trace[i];
                }
            }
            assertEquals(n, filter.filter(Arrays.copyOfRange(trace, from, to), bits, to - from));
            filtered.declarePrefilterRate(r);
            for (int i = 0; i < n; i++) {
                filtered.setClock(clocks[i]);
                filtered.accept(kept[i]);
            }
            filtered.acceptFiltered((to - from) - n);
            if (b % 3 == 2) {
                unfiltered.closeWindow();
                filtered.closeWindow();
            }
        }
        assertSame(unfiltered, filtered);
        assertTrue(filtered.samplingRate() <= SpatialHash.rate(SpatialHash.thresholdForRate(lowest)),
                "lowest declared rate wins: " + filtered.samplingRate() + " vs " + lowest);
    }

    /** The brief's case: an exact engine fed an R-filtered stream is the fixed-rate-R engine on the whole stream. */
    @Test
    void exactEngineOnPrefilteredStreamIsFixedRateAtThatRate() {
        double r = 0.1;
        long[] trace = zipfLikeTrace(200_000, 50_000);
        // A declared pre-filter ends hybrid sampling, so the match is the plain SHARDS sampler.
        MrcEngine sampler = new MrcEngine(VM, MrcConfig.fixedRate(r).withHeadPages(0));
        MrcEngine prefiltered = new MrcEngine(VM, MrcConfig.exact());
        prefiltered.declarePrefilterRate(r);
        SpatialFilter filter = new SpatialFilter(VM, SpatialHash.thresholdForRate(r));
        long removed = 0;
        for (long page : trace) {
            sampler.accept(page);
            if (filter.test(page)) {
                prefiltered.accept(page);
            } else {
                removed++;
            }
        }
        prefiltered.acceptFiltered(removed);
        assertEquals(sampler.samplingRate(), prefiltered.samplingRate());
        CacheSizeGrid grid = CacheSizeGrid.logSpaced(1, 100_000, 4);
        assertArrayEquals(sampler.curve(MrcEngine.Histogram.CUMULATIVE, grid).missRatio(),
                prefiltered.curve(MrcEngine.Histogram.CUMULATIVE, grid).missRatio());
        assertEquals(trace.length, prefiltered.references());
        // Without the declaration the same stream looks like a tiny, hot working set: wrong curve.
        MrcEngine undeclared = new MrcEngine(VM, MrcConfig.exact());
        for (long page : trace) {
            if (filter.test(page)) {
                undeclared.accept(page);
            }
        }
        assertTrue(undeclared.curve(MrcEngine.Histogram.CUMULATIVE).workingSetPages()
                < prefiltered.curve(MrcEngine.Histogram.CUMULATIVE).workingSetPages() / 5);
    }

    @Test
    void fixedSizeThresholdStartsAtThePrefiltersAndOnlyFalls() {
        MrcEngine e = new MrcEngine(VM, MrcConfig.fixedSize(100));
        e.declarePrefilterRate(0.25);
        assertEquals(SpatialHash.thresholdForRate(0.25), e.threshold());
        e.declarePrefilterRate(0.5);
        assertEquals(SpatialHash.thresholdForRate(0.25), e.threshold(), "a higher rate later changes nothing");
        for (long p = 0; p < 10_000; p++) {
            e.accept(p);
        }
        assertTrue(e.threshold() < SpatialHash.thresholdForRate(0.25));
        assertTrue(e.trackedPages() <= 100);
    }

    @Test
    void loweringTheRateDropsTrackedPagesAboveTheNewThreshold() {
        MrcEngine e = new MrcEngine(VM, MrcConfig.exact());
        for (long p = 0; p < 1000; p++) {
            e.accept(p);
        }
        e.declarePrefilterRate(0.1);
        long expected = 0;
        for (long p = 0; p < 1000; p++) {
            expected += SpatialHash.hash(VM, p) < SpatialHash.thresholdForRate(0.1) ? 1 : 0;
        }
        assertEquals(expected, e.trackedPages());
        // And the lowered engine survives a snapshot round trip as a hashing sampler.
        MrcEngine restored = MrcEngine.restore(e.snapshot());
        for (long p = 0; p < 2000; p++) {
            e.accept(p);
            restored.accept(p);
        }
        assertArrayEquals(e.snapshot(), restored.snapshot());
    }

    private static void assertSame(MrcEngine a, MrcEngine b) {
        CacheSizeGrid grid = CacheSizeGrid.logSpaced(1, 100_000, 3);
        for (MrcEngine.Histogram h : MrcEngine.Histogram.values()) {
            MissRatioCurve x = a.curve(h, grid);
            MissRatioCurve y = b.curve(h, grid);
            assertArrayEquals(x.missRatio(), y.missRatio(), h.name());
            assertEquals(x.references(), y.references(), h.name());
            assertEquals(x.workingSetPages(), y.workingSetPages(), h.name());
        }
        assertEquals(a.threshold(), b.threshold());
        assertEquals(a.trackedPages(), b.trackedPages());
        assertEquals(a.references(), b.references());
    }

    /** Skewed references: page = floor(pages * u^3), a few hot pages and a long tail (deterministic LCG). */
    private static long[] zipfLikeTrace(int n, int pages) {
        long[] trace = new long[n];
        long x = 7;
        for (int i = 0; i < n; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            double u = (x >>> 11) / (double) (1L << 53);
            trace[i] = (long) (pages * u * u * u);
        }
        return trace;
    }
}
