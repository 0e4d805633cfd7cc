package io.tierscope.analytics.mrc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The working-set estimate: the smallest cache serving all but the tolerance (1%) of a window's
 * references, a first touch counting as a miss below the pages first touched. All-cold, all-hot
 * and cliff windows, exact and sampled.
 */
class WorkingSetTest {

    @Test
    void aWindowOfFirstTouchesHasThePagesItTouched() {
        MrcEngine e = new MrcEngine(1, MrcConfig.exact());
        for (long p = 0; p < 20_000; p++) {
            e.accept(p);
        }
        MissRatioCurve scan = e.curve(MrcEngine.Histogram.WINDOW);
        assertEquals(1.0, scan.coldMissRatio(), 0);
        assertEquals(20_000, scan.workingSetPages());
        // A second scan over new pages, next window: again the pages it touched.
        e.closeWindow();
        for (long p = 20_000; p < 50_000; p++) {
            e.accept(p);
        }
        assertEquals(30_000, e.curve(MrcEngine.Histogram.WINDOW).workingSetPages());
        assertEquals(50_000, e.curve(MrcEngine.Histogram.CUMULATIVE).workingSetPages());
    }

    @Test
    void nearlyAllColdStillCountsThePagesTouched() {
        // 99.5% first touches, 0.5% reuses of the previous page: nothing worth caching but the pages touched.
        MrcEngine e = new MrcEngine(1, MrcConfig.exact());
        long next = 0;
        for (int i = 0; i < 100_000; i++) {
            e.accept(i % 200 == 199 ? next - 1 : next++);
        }
        assertEquals(next, e.curve(MrcEngine.Histogram.WINDOW).workingSetPages());
    }

    @Test
    void aWindowReusingAHotSetHasTheHotSet() {
        MrcEngine e = new MrcEngine(1, MrcConfig.exact());
        for (int i = 0; i < 10_000; i++) {
            e.accept(i % 500);
        }
        e.closeWindow();
        // Every reference a reuse: no first touch in this window.
        for (int i = 0; i < 50_000; i++) {
            e.accept((i * 7919L) % 500);
        }
        MissRatioCurve hot = e.curve(MrcEngine.Histogram.WINDOW);
        assertEquals(0, hot.coldMissRatio(), 0);
        assertEquals(500, hot.workingSetPages());
    }

    @Test
    void aLoopsWorkingSetIsItsCliff() {
        // First pass cold, then every reuse at distance 3000: the curve falls from 1 to 1/20 at 3000.
        MrcEngine e = new MrcEngine(1, MrcConfig.exact());
        for (int i = 0; i < 60_000; i++) {
            e.accept(i % 3000);
        }
        assertEquals(3000, e.curve(MrcEngine.Histogram.WINDOW).workingSetPages());
        // A few first touches (0.25% of references, 0.95% with the loop's first pass) beside a loop
        // over 700 pages: the loop plus the new pages touched during one round of it (a loop page
        // a new page displaced comes back after up to 3 of them), not the pages first touched.
        MrcEngine mixed = new MrcEngine(2, MrcConfig.exact());
        long cold = 1_000_000;
        for (int i = 0; i < 100_000; i++) {
            mixed.accept(i % 400 == 0 ? cold++ : i % 700);
        }
        MissRatioCurve c = mixed.curve(MrcEngine.Histogram.CUMULATIVE, CacheSizeGrid.of(702, 703));
        assertEquals(950, c.footprintPages(), 0);
        assertTrue(c.missRatio()[0] > c.coldMissRatio() + 0.0005);
        assertEquals(c.coldMissRatio(), c.missRatio()[1], 0);
        assertEquals(703, c.workingSetPages());
    }

    @Test
    void aSampledEngineEstimatesTheScannedPages() {
        MrcEngine e = new MrcEngine(9, MrcConfig.fixedSize(1024));
        for (long p = 0; p < 400_000; p++) {
            e.accept(p);
        }
        // The footprint estimate of a 1024-page sample: within a few percent.
        assertEquals(400_000, e.curve(MrcEngine.Histogram.WINDOW).workingSetPages(), 400_000 * 0.1);
    }

    @Test
    void noReferencesNoWorkingSet() {
        assertEquals(0, new MrcEngine(1, MrcConfig.exact()).curve(MrcEngine.Histogram.WINDOW).workingSetPages());
    }
}
