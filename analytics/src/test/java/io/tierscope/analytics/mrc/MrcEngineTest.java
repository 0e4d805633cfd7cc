package io.tierscope.analytics.mrc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.analytics.sampling.SpatialHash;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MrcEngineTest {

    private static long[] randomTrace(long seed, int length, int pages) {
        Random r = new Random(seed);
        long[] t = new long[length];
        for (int i = 0; i < length; i++) {
            // Skewed: half the references go to a tenth of the pages.
            t[i] = r.nextBoolean() ? r.nextInt(Math.max(1, pages / 10)) : r.nextInt(pages);
        }
        return t;
    }

    @Test
    void exactCurveEqualsDirectLruSimulationAtEverySize() {
        long[] trace = randomTrace(1, 5000, 120);
        MrcEngine e = new MrcEngine(7, MrcConfig.exact());
        e.accept(trace, 0, trace.length);
        CacheSizeGrid grid = CacheSizeGrid.linear(120, 120);
        MissRatioCurve c = e.curve(MrcEngine.Histogram.CUMULATIVE, grid);
        for (int i = 0; i < c.points(); i++) {
            assertEquals(NaiveMattson.missRatio(trace, (int) c.sizePages()[i]), c.missRatio()[i], 1e-12,
                    "size " + c.sizePages()[i]);
        }
        assertEquals(120.0 / 5000, c.coldMissRatio(), 1e-12);
        assertEquals(120.0, c.footprintPages(), 1e-9);
        assertEquals(5000, c.references());
        assertEquals(120L * 4096, c.sizeBytes(c.points() - 1));
    }

    @Test
    void workingSetIsSmallestSizeWithinToleranceOfColdFloor() {
        // A loop over 100 pages: every re-reference has distance 100, so the curve drops to the floor at 100.
        MrcEngine e = new MrcEngine(1, MrcConfig.exact());
        for (int i = 0; i < 10_000; i++) {
            e.accept(i % 100);
        }
        MissRatioCurve c = e.curve(MrcEngine.Histogram.CUMULATIVE, CacheSizeGrid.of(99, 100));
        assertEquals(1.0, c.missRatio()[0], 1e-12);
        assertEquals(0.01, c.missRatio()[1], 1e-12);
        assertEquals(100, c.workingSetPages());

        // Exact engines count every distance: no bucket blurs the estimate above 128 pages either.
        MrcEngine big = new MrcEngine(1, MrcConfig.exact());
        for (int i = 0; i < 100_000; i++) {
            big.accept(i % 5000);
        }
        assertEquals(5000, big.curve(MrcEngine.Histogram.CUMULATIVE).workingSetPages());
    }

    @Test
    void windowResetsCumulativeKeepsAndDecayedFollowsTheRecentPhase() {
        MrcEngine e = new MrcEngine(1, MrcConfig.exact().withDecay(0.25));
        for (int i = 0; i < 10_000; i++) {
            e.accept(i % 10);
        }
        e.closeWindow();
        for (int i = 0; i < 10_000; i++) {
            e.accept(1000 + i % 200);
        }
        CacheSizeGrid at50 = CacheSizeGrid.of(50);
        assertEquals(1.0, e.curve(MrcEngine.Histogram.WINDOW, at50).missRatio()[0], 1e-12);
        assertEquals((10 + 10_000) / 20_000.0, e.curve(MrcEngine.Histogram.CUMULATIVE, at50).missRatio()[0], 1e-12);
        assertEquals(10_000, e.curve(MrcEngine.Histogram.WINDOW, at50).references());
        e.closeWindow();
        // decayed = 0.25 * window1 + window2: misses 0.25*10 + 10000 over 0.25*10000 + 10000 references.
        assertEquals((2.5 + 10_000) / 12_500.0, e.curve(MrcEngine.Histogram.DECAYED, at50).missRatio()[0], 1e-12);
        assertEquals(0, e.curve(MrcEngine.Histogram.WINDOW, at50).references());
    }

    @Test
    void fixedSizeNeverTracksMoreThanSmaxAndLowersTheRate() {
        MrcEngine e = new MrcEngine(3, MrcConfig.fixedSize(256));
        for (long p = 0; p < 200_000; p++) {
            e.accept(p);
            assertTrue(e.trackedPages() <= 256);
        }
        assertEquals(256.0 / 200_000, e.samplingRate(), 256.0 / 200_000 * 0.2);
        assertEquals(200_000, e.curve(MrcEngine.Histogram.CUMULATIVE).footprintPages(), 200_000 * 0.15);
    }

    @Test
    void temporalSamplingCountsAPageOncePerPeriod() {
        MrcEngine e = new MrcEngine(3, MrcConfig.exact().withTemporalPeriod(100));
        e.setClock(0);
        for (int i = 0; i < 50; i++) {
            e.accept(i % 5);
        }
        e.setClock(150);
        e.accept(4);
        e.accept(0);
        e.accept(0);
        MissRatioCurve c = e.curve(MrcEngine.Histogram.CUMULATIVE, CacheSizeGrid.of(1, 5));
        // Counted: 0..4 (cold), then 4 (distance 1) and 0 (distance 5): 7 counted references.
        assertEquals(7, c.sampledReferences(), 1e-12);
        assertEquals(6.0 / 7, c.missRatio()[0], 1e-12);
        assertEquals(5.0 / 7, c.missRatio()[1], 1e-12);
    }

    @Test
    void fixedRateSamplesTheSameFractionAsTheSharedHash() {
        MrcEngine e = MrcEngine.forVm("vm-7", MrcConfig.fixedRate(0.01));
        for (long p = 0; p < 1_000_000; p++) {
            e.accept(p);
        }
        long expected = 0;
        long key = SpatialHash.vmKey("vm-7");
        for (long p = 0; p < 1_000_000; p++) {
            expected += SpatialHash.hash(key, p) < SpatialHash.thresholdForRate(0.01) ? 1 : 0;
        }
        assertEquals(expected, e.trackedPages());
        assertEquals(10_000, expected, 400);
    }

    @Test
    void snapshotRejectsGarbage() {
        assertThrows(IllegalArgumentException.class, () -> MrcEngine.restore(new byte[] {1, 2, 3}));
        byte[] good = new MrcEngine(1, MrcConfig.exact()).snapshot();
        assertThrows(IllegalArgumentException.class,
                () -> MrcEngine.restore(Arrays.copyOf(good, good.length - 3)));
        assertArrayEquals(good, MrcEngine.restore(good).snapshot());
    }

    @Test
    void fixedSizeStateStaysUnderTwoMebibytesWhateverTheFootprint() {
        MrcEngine e = new MrcEngine(9, MrcConfig.fixedSize(8192).withTemporalPeriod(1_000_000));
        for (long p = 0; p < 3_000_000; p++) {
            e.setClock(p);
            e.accept(p % 2_000_000);
        }
        long retained = e.retainedBytes();
        int snapshot = e.snapshot().length;
        System.out.printf("fixed-size 8192: retained %d bytes, snapshot %d bytes%n", retained, snapshot);
        assertTrue(retained <= 2 << 20, "retained " + retained);
        assertTrue(snapshot <= 256 << 10, "snapshot " + snapshot);
    }

    /**
     * Four hot pages round-robin, every other reference a never-repeated scan page: each hot reuse
     * is at distance 8 exactly. Plain SHARDS at a low rate sees a hot page only if it is hashed in
     * (here the curve is off by up to the hot pages' whole share); the exact head measures every
     * reuse within it, whatever the hash picks.
     */
    @Test
    void exactHeadMeasuresHotPagesExactly() {
        MrcEngine exact = new MrcEngine(3, MrcConfig.exact());
        MrcEngine headed = new MrcEngine(3, MrcConfig.fixedSize(256).withHeadPages(64));
        MrcEngine plain = new MrcEngine(3, MrcConfig.fixedSize(256).withHeadPages(0));
        long scan = 1_000;
        for (int i = 0; i < 400_000; i++) {
            long page = i % 2 == 0 ? (i / 2) % 4 : scan++;
            exact.accept(page);
            headed.accept(page);
            plain.accept(page);
        }
        assertEquals(64, headed.headPages());
        assertTrue(headed.trackedPages() <= 256, "sample " + headed.trackedPages() + " pages");
        CacheSizeGrid grid = CacheSizeGrid.of(4, 7, 8, 16, 64);
        double[] want = exact.curve(MrcEngine.Histogram.CUMULATIVE, grid).missRatio();
        assertArrayEquals(new double[] {1, 1, 0.5, 0.5, 0.5}, want, 1e-3);
        assertArrayEquals(want, headed.curve(MrcEngine.Histogram.CUMULATIVE, grid).missRatio(), 1e-12);
        double plainError = 0;
        double[] plainCurve = plain.curve(MrcEngine.Histogram.CUMULATIVE, grid).missRatio();
        for (int i = 0; i < want.length; i++) {
            plainError = Math.max(plainError, Math.abs(plainCurve[i] - want[i]));
        }
        assertTrue(plainError > 0.1, "plain SHARDS error " + plainError);
    }

    /** The head stays within its size, survives a snapshot with its LRU order, and a pre-filter ends it. */
    @Test
    void exactHeadIsBoundedRestoredAndEndedByAPrefilter() {
        MrcEngine e = new MrcEngine(11, MrcConfig.fixedSize(64).withHeadPages(32));
        MrcEngine twin = new MrcEngine(11, MrcConfig.fixedSize(64).withHeadPages(32));
        Random r = new Random(5);
        for (int i = 0; i < 300_000; i++) {
            long page = r.nextInt(2) == 0 ? r.nextInt(40) : 1_000_000 + r.nextInt(200_000);
            e.accept(page);
            twin.accept(page);
            assertTrue(e.headPages() <= 32);
        }
        assertEquals(32, e.headPages());
        byte[] snapshot = e.snapshot();
        MrcEngine restored = MrcEngine.restore(snapshot);
        assertEquals(32, restored.headPages());
        assertArrayEquals(snapshot, restored.snapshot());
        // The restored engine carries on exactly as the one that never stopped.
        for (int i = 0; i < 50_000; i++) {
            long page = r.nextInt(2) == 0 ? r.nextInt(40) : 1_000_000 + r.nextInt(200_000);
            restored.accept(page);
            twin.accept(page);
        }
        CacheSizeGrid grid = CacheSizeGrid.logSpaced(1, 200_000, 4);
        assertArrayEquals(twin.curve(MrcEngine.Histogram.CUMULATIVE, grid).missRatio(),
                restored.curve(MrcEngine.Histogram.CUMULATIVE, grid).missRatio(), 1e-12);
        e.declarePrefilterRate(0.5);
        assertEquals(0, e.headPages());
        assertTrue(e.trackedPages() <= 64, "tracked " + e.trackedPages());
        for (int i = 0; i < 10_000; i++) {
            e.accept(r.nextInt(8));
        }
        assertEquals(0, e.headPages(), "no head once a pre-filter was declared");
        assertArrayEquals(e.snapshot(), MrcEngine.restore(e.snapshot()).snapshot());
    }

    /**
     * At rate 1 nothing is estimated: beyond the head, the pages between minus the head's are the
     * rest exactly, and the ratio estimate has every reference as a sample. Equals the exact engine.
     */
    @Test
    void exactHeadAtRateOneIsExact() {
        long[] trace = randomTrace(21, 60_000, 3_000);
        MrcEngine exact = new MrcEngine(4, MrcConfig.exact());
        MrcEngine headed = new MrcEngine(4, MrcConfig.fixedRate(1).withHeadPages(16));
        for (long page : trace) {
            exact.accept(page);
            headed.accept(page);
        }
        assertEquals(16, headed.headPages());
        // Below 128 pages the histogram's buckets are one page wide: equal. Beyond, distances past
        // the head are bucketed relative to it, so the two spread within 1.6%-wide buckets differently.
        CacheSizeGrid small = CacheSizeGrid.linear(127, 127);
        assertArrayEquals(exact.curve(MrcEngine.Histogram.CUMULATIVE, small).missRatio(),
                headed.curve(MrcEngine.Histogram.CUMULATIVE, small).missRatio(), 1e-12);
        CacheSizeGrid grid = CacheSizeGrid.logSpaced(128, 4_000, 8);
        assertArrayEquals(exact.curve(MrcEngine.Histogram.CUMULATIVE, grid).missRatio(),
                headed.curve(MrcEngine.Histogram.CUMULATIVE, grid).missRatio(), 1e-3);
    }
}
