package io.tierscope.analytics.heat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class SampledCountsTest {
    private final SampledCounts counts = SampledCounts.defaults();

    @Test
    void aPeriodsCountsEqualItsSampledAccessesPerPage() {
        SampledPeriod period = new SampledPeriod(64, 100);
        period.add(3, 1);
        period.add(3, 2); // a write counts as one access too
        period.add(3, 1);
        period.add(70, 4);
        char[] chunk0 = new char[64];
        char[] chunk1 = new char[36];
        assertTrue(counts.update(chunk0, 0, 64, period.counts(0), 0));
        assertTrue(counts.update(chunk1, 0, 36, period.counts(1), 0));
        assertEquals(3f, SampledCounts.samples(chunk0[3]));
        assertEquals(1f, SampledCounts.samples(chunk1[6]));
        assertEquals(0, chunk0[4]);
        assertEquals(4, period.sampleCount());
    }

    @Test
    void countsSaturateWithinAPeriodAndAcrossPeriods() {
        assertEquals(SampledCounts.UNIT * SampledCounts.MAX_PER_PERIOD, counts.next(0, 1_000_000));
        assertEquals(SampledCounts.MAX, counts.next(SampledCounts.MAX, SampledCounts.MAX_PER_PERIOD));
        int c = 0;
        for (int period = 0; period < 200; period++) {
            c = counts.next(c, 1000);
            assertTrue(c <= SampledCounts.MAX);
        }
        assertEquals(SampledCounts.MAX, c, "a page sampled far more than the counter holds stays at the top");
        assertEquals(0, counts.next(0, -5), "no negative counts");
    }

    @Test
    void countsCoolByTheHalfLifeAndReachZero() {
        int c = counts.next(0, 100); // 1600
        for (int period = 0; period < 8; period++) {
            c = counts.next(c, 0);
        }
        assertEquals(800, c, 8, "halved after one half-life (floors lose at most one unit a period)");
        int periods = 0;
        while (c > 0) {
            c = counts.next(c, 0);
            periods++;
        }
        assertTrue(periods < 200, "cools to 0, never sticks");
        char[] idle = new char[4];
        assertFalse(counts.update(idle, 0, 4, null, 0), "idle pages at 0 do not change");
    }

    @Test
    void aSteadyRateSettlesNearRateOverOneMinusTheFactor() {
        int c = 0;
        for (int period = 0; period < 300; period++) {
            c = counts.next(c, 2);
        }
        double a = Math.pow(0.5, 1 / SampledCounts.DEFAULT_HALF_LIFE_PERIODS);
        assertEquals(2 / (1 - a), SampledCounts.samples(c), 1.0);
        assertEquals(0.15 / (1 - a), counts.countGap(0.15), 1e-9);
        assertEquals(10 / (1 + a), counts.variance(10), 1e-9);
    }

    @Test
    void bytesRoundTripTwoPerPageBigEndian() {
        char[] c = {0, 1, 0x1234, 0xFFFF};
        byte[] b = SampledCounts.toBytes(c);
        assertArrayEquals(new byte[] {0, 0, 0, 1, 0x12, 0x34, (byte) 0xFF, (byte) 0xFF}, b);
        assertArrayEquals(c, SampledCounts.fromBytes(ByteBuffer.wrap(b)));
        assertThrows(IllegalArgumentException.class, () -> SampledCounts.fromBytes(ByteBuffer.wrap(new byte[3])));
        assertThrows(IllegalArgumentException.class, () -> new SampledCounts(0.1));
    }
}
