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
        assertTrue(counts.update(chunk0, 0, 64, period.counts(0), 0, 0, 1));
        assertTrue(counts.update(chunk1, 0, 36, period.counts(1), 0, 64, 1));
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
    void countsCoolByTheHalfLifeOnAverageAndReachZero() {
        int pages = 10_000;
        char[] c = new char[pages];
        java.util.Arrays.fill(c, (char) (100 * SampledCounts.UNIT));
        for (int period = 0; period < 8; period++) {
            counts.update(c, 0, pages, null, 0, 0, period);
        }
        assertEquals(50 * SampledCounts.UNIT, mean(c), 1, "halved after one half-life, on average to a unit");
        for (int period = 8; period < 400; period++) {
            counts.update(c, 0, pages, null, 0, 0, period);
        }
        assertEquals(0, mean(c), "every count cools to 0, none sticks");
        char[] idle = new char[4];
        assertFalse(counts.update(idle, 0, 4, null, 0, 0, 0), "idle pages at 0 do not change");
    }

    @Test
    void aLongHalfLifeRemembersASingleSample() {
        // One sample (16 units) at h = 128 cools by 0.09 units a period: a floor would take a unit each
        // period and forget it in 16 periods; the dithered rounding keeps it 2^(-1/2) after 64 periods.
        SampledCounts slow = new SampledCounts(128);
        int pages = 10_000;
        char[] c = new char[pages];
        int[] one = new int[pages];
        java.util.Arrays.fill(one, 1);
        slow.update(c, 0, pages, one, 0, 0, 0);
        for (int period = 1; period <= 64; period++) {
            slow.update(c, 0, pages, null, 0, 0, period);
        }
        assertEquals(SampledCounts.UNIT * Math.pow(0.5, 0.5), mean(c), 0.3);
    }

    @Test
    void theRoundingIsDeterministicAndDiffersByPageAndPeriod() {
        char[] a = new char[1000];
        char[] b = new char[1000];
        java.util.Arrays.fill(a, (char) 1000);
        java.util.Arrays.fill(b, (char) 1000);
        counts.update(a, 0, 1000, null, 0, 4096, 7);
        counts.update(b, 0, 1000, null, 0, 4096, 7);
        assertArrayEquals(a, b);
        assertTrue(java.util.stream.IntStream.range(1, 1000).anyMatch(i -> a[i] != a[0]), "pages round differently");
        assertTrue(SampledCounts.dither(5, 1) != SampledCounts.dither(5, 2));
    }

    @Test
    void theHalfLifeFollowsTheSamplingDensity() {
        assertEquals(8, SampledCounts.halfLifeForDensity(0.153), 0.01, "the simulator table's density: its h = 8");
        assertEquals(32.1, SampledCounts.halfLifeForDensity(0.038), 0.1, "a VM four times larger");
        assertEquals(128.4, SampledCounts.halfLifeForDensity(0.0095), 0.1, "sixteen times");
        assertEquals(8, SampledCounts.halfLifeForDensity(5), "dense sampling: never shorter than 8");
        assertEquals(256, SampledCounts.halfLifeForDensity(1e-6));
        assertEquals(256, SampledCounts.halfLifeForDensity(0), "no samples at all");
        assertEquals(5, SampledCounts.noiseVariance(10));
    }

    private static double mean(char[] c) {
        double sum = 0;
        for (char x : c) {
            sum += x;
        }
        return sum / c.length;
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
