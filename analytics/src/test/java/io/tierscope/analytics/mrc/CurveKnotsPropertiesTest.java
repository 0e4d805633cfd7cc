package io.tierscope.analytics.mrc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * A published curve, read with linear interpolation between consecutive points, is the engine's
 * own full-resolution curve (every size from 1 page to the last point) within the stated bound:
 * 1e-4 for exact engines, 0.002 for sampled ones; with a point cap that wins, within the curve's
 * reported interpolation error. The log grid is always among the points.
 */
class CurveKnotsPropertiesTest {

    /** Largest |interpolated published curve - want[c]| over sizes c from the first point to the last. */
    static double worstInterpolationGap(MissRatioCurve published, double[] want) {
        long[] x = published.sizePages();
        double[] y = published.missRatio();
        double worst = 0;
        for (int s = 0; s + 1 < x.length; s++) {
            double slope = (y[s + 1] - y[s]) / (x[s + 1] - x[s]);
            for (long c = x[s]; c <= x[s + 1]; c++) {
                worst = Math.max(worst, Math.abs(y[s] + slope * (c - x[s]) - want[(int) c]));
            }
        }
        return worst;
    }

    @Provide
    Arbitrary<MrcConfig> configs() {
        return Arbitraries.of(MrcConfig.exact(), MrcConfig.fixedRate(0.2), MrcConfig.fixedSize(64),
                MrcConfig.fixedSize(128).withHeadPages(256), MrcConfig.fixedRate(0.05).withHeadPages(0));
    }

    @Property(tries = 40)
    void publishedKnotsInterpolateTheEngineCurve(@ForAll @IntRange(min = 0, max = 1000) int seed,
                                                 @ForAll @IntRange(min = 1, max = 2) int shape,
                                                 @ForAll("configs") MrcConfig config) {
        long[] trace = shape == 1
                ? ExactCurvePropertiesTest.skewed(seed, 8000, 100 + seed * 3)
                : ExactCurvePropertiesTest.loopWithNoise(seed, 8000, 200 + seed, seed % 21, 4000);
        MrcEngine e = new MrcEngine(seed, config);
        e.accept(trace, 0, 5000);
        e.closeWindow();
        e.accept(trace, 5000, trace.length - 5000);
        for (MrcEngine.Histogram h : MrcEngine.Histogram.values()) {
            MissRatioCurve published = e.curve(h);
            long max = e.curveMaxPages(h);
            double[] want = fullResolution(e, h, max);
            double bound = e.interpolationBound();
            assertTrue(published.points() <= CurveKnots.DEFAULT_MAX_POINTS, h + ": " + published.points());
            assertEquals(max, published.sizePages()[published.points() - 1]);
            assertGridKept(published, max);
            double worst = worstInterpolationGap(published, want);
            double reported = published.interpolationError();
            assertTrue(worst <= reported + 1e-12, h + " " + config + ": published curve strays " + worst + " > " + reported);
            if (e.curve(h, 1 << 16).points() <= CurveKnots.DEFAULT_MAX_POINTS) { // the cap did not win
                assertTrue(reported <= bound, h + " " + config + ": reported " + reported + " > " + bound);
            }
            // The published points are points of the curve.
            for (int i = 0; i < published.points(); i++) {
                assertEquals(want[(int) published.sizePages()[i]], published.missRatio()[i], 1e-12);
            }
        }
    }

    /** When the cap wins, the curve keeps to the cap and its reported error is the bound it achieves. */
    @Property(tries = 20)
    void aCapThatWinsReportsTheBoundAchieved(@ForAll @IntRange(min = 0, max = 1000) int seed,
                                             @ForAll @IntRange(min = 2, max = 120) int cap) {
        long[] trace = ExactCurvePropertiesTest.skewed(seed, 8000, 1500 + seed);
        MrcEngine e = new MrcEngine(seed, MrcConfig.exact());
        e.accept(trace, 0, trace.length);
        MissRatioCurve capped = e.curve(MrcEngine.Histogram.CUMULATIVE, cap);
        long max = e.curveMaxPages(MrcEngine.Histogram.CUMULATIVE);
        int grid = CacheSizeGrid.standard(max).size();
        assertTrue(capped.points() <= Math.max(cap, grid), capped.points() + " points, cap " + cap);
        double worst = worstInterpolationGap(capped, fullResolution(e, MrcEngine.Histogram.CUMULATIVE, max));
        assertEquals(capped.interpolationError(), worst, 1e-12);
        if (e.curve(MrcEngine.Histogram.CUMULATIVE, 1 << 16).points() <= cap) { // the cap did not win
            assertTrue(worst <= CurveKnots.EXACT_BOUND, "below the cap, within the bound: " + worst);
        }
        assertGridKept(capped, max);
    }

    /** A cliff (loop of 3000 pages) is carried by two points a page apart, not smeared between grid sizes. */
    @Test
    void aLoopsCliffIsTwoPointsOnePageApart() {
        long[] trace = ExactCurvePropertiesTest.loopWithNoise(3, 60_000, 3000, 0, 3000);
        MrcEngine e = new MrcEngine(3, MrcConfig.exact());
        e.accept(trace, 0, trace.length);
        MissRatioCurve c = e.curve(MrcEngine.Histogram.CUMULATIVE);
        int at = Arrays.binarySearch(c.sizePages(), 2999);
        assertTrue(at >= 0, "2999 published");
        assertEquals(3000, c.sizePages()[at + 1]);
        assertEquals(1.0, c.missRatio()[at], 1e-12);
        assertEquals(3000.0 / 60_000, c.missRatio()[at + 1], 1e-12);
        assertEquals(0, c.interpolationError(), 1e-15);
    }

    @Test
    void greedySleeveKeepsForcedPointsAndEnds() {
        long[] x = {1, 2, 3, 4, 5, 6};
        double[] y = {1, 1, 1, 0, 0, 0};
        boolean[] forced = {false, true, false, false, false, false};
        CurveKnots.Fit fit = CurveKnots.fit(x, y, forced, 1e-4, 100);
        assertEquals("[0, 1, 2, 3, 5]", Arrays.toString(fit.kept()));
        assertEquals(0, fit.maxError());
    }

    private static double[] fullResolution(MrcEngine e, MrcEngine.Histogram h, long max) {
        double[] ratios = e.curve(h, CacheSizeGrid.every(max)).missRatio();
        double[] bySize = new double[ratios.length + 1];
        System.arraycopy(ratios, 0, bySize, 1, ratios.length);
        return bySize;
    }

    private static void assertGridKept(MissRatioCurve published, long max) {
        for (long g : CacheSizeGrid.standard(max).pages()) {
            assertTrue(Arrays.binarySearch(published.sizePages(), g) >= 0, "grid size " + g + " published");
        }
    }
}
