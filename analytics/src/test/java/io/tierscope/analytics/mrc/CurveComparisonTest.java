package io.tierscope.analytics.mrc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CurveComparisonTest {
    private static final long[] SIZES = CacheSizeGrid.linear(2000, 2000).pages(); // 1..2000

    /** A loop's curve: 1 below {@code cliff} pages, {@code floor} from it on. */
    private static double[] loop(long cliff, double floor) {
        double[] m = new double[SIZES.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = SIZES[i] < cliff ? 1 : floor;
        }
        return m;
    }

    @Test
    void cliffToTheRightIsPositiveAndSizedRelativeToTheReference() {
        CurveComparison c = CurveComparison.of(SIZES, loop(1000, 0.1), loop(1050, 0.1));
        assertEquals(0.05, c.cliffError(), 0.002);
        assertEquals(0.05, c.meanCliffError(), 0.002);
        assertEquals(CurveComparison.LEVELS_PER_CLIFF, c.cliffLevels());
        assertEquals(999, c.cliffErrorAtPages(), 1);
        // 50 sizes are 0.9 apart.
        assertEquals(0.9 * 50 / SIZES.length, c.meanAbsoluteError(), 1e-9);
        assertEquals(0.9, c.maxError(), 1e-9);
    }

    @Test
    void cliffToTheLeftIsNegative() {
        CurveComparison c = CurveComparison.of(SIZES, loop(1000, 0.3), loop(900, 0.3));
        assertEquals(-0.1, c.cliffError(), 0.002);
        assertTrue(c.meanCliffError() < -0.09);
    }

    @Test
    void worstOfTwoCliffsIsReported() {
        double[] want = new double[SIZES.length];
        double[] got = new double[SIZES.length];
        for (int i = 0; i < want.length; i++) {
            want[i] = SIZES[i] < 200 ? 1 : SIZES[i] < 1000 ? 0.5 : 0.1;
            got[i] = SIZES[i] < 202 ? 1 : SIZES[i] < 880 ? 0.5 : 0.1;
        }
        CurveComparison c = CurveComparison.of(SIZES, want, got);
        assertEquals(-0.12, c.cliffError(), 0.002);
        assertEquals(2 * CurveComparison.LEVELS_PER_CLIFF, c.cliffLevels());
        assertEquals((0.01 - 0.12) / 2, c.meanCliffError(), 0.003);
    }

    /** A vertical offset on a plateau next to a cliff is not read as a horizontal error. */
    @Test
    void plateauOffsetIsNotAHorizontalError() {
        double[] want = loop(1000, 0.2);
        double[] got = loop(1000, 0.2);
        for (int i = 0; i < got.length; i++) {
            got[i] = SIZES[i] < 1000 ? 0.97 : 0.23;
        }
        CurveComparison c = CurveComparison.of(SIZES, want, got);
        assertEquals(0, c.cliffError(), 0.002);
        assertEquals(0.03, c.maxError(), 1e-9);
    }

    @Test
    void gentleCurveHasNoCliff() {
        double[] want = new double[SIZES.length];
        double[] got = new double[SIZES.length];
        for (int i = 0; i < want.length; i++) {
            want[i] = 0.5 * Math.pow(SIZES[i], -0.3);
            got[i] = 0.5 * Math.pow(SIZES[i] * 1.5, -0.3);
        }
        CurveComparison c = CurveComparison.of(SIZES, want, got);
        assertEquals(0, c.cliffLevels());
        assertEquals(0, c.cliffError());
    }

    @Test
    void estimateThatNeverGetsDownCountsAsBeyondTheLargestSize() {
        double[] got = new double[SIZES.length];
        java.util.Arrays.fill(got, 1);
        CurveComparison c = CurveComparison.of(SIZES, loop(1000, 0.1), got);
        assertEquals(1.0, c.cliffError(), 0.01);
    }

    @Test
    void differentLengthsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> CurveComparison.of(new long[] {1, 2}, new double[2], new double[1]));
    }
}
