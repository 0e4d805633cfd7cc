package io.tierscope.analytics.mrc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The exact engine's curve is the LRU miss ratio at every cache size from 1 page to the footprint,
 * in every histogram, on random traces and on loops (cliffs) with noise: compared with a textbook
 * Mattson stack simulation (distances counted directly, no buckets).
 */
class ExactCurvePropertiesTest {

    /** A loop over {@code loop} pages (a cliff at that size) with {@code noisePercent}% random references over a larger footprint. */
    static long[] loopWithNoise(long seed, int length, int loop, int noisePercent, int footprint) {
        Random r = new Random(seed);
        long[] t = new long[length];
        int next = 0;
        for (int i = 0; i < length; i++) {
            if (r.nextInt(100) < noisePercent) {
                t[i] = loop + r.nextInt(Math.max(1, footprint - loop));
            } else {
                t[i] = next;
                next = (next + 1) % loop;
            }
        }
        return t;
    }

    /** Skewed random references: half to a tenth of the pages. */
    static long[] skewed(long seed, int length, int pages) {
        Random r = new Random(seed);
        long[] t = new long[length];
        for (int i = 0; i < length; i++) {
            t[i] = r.nextBoolean() ? r.nextInt(Math.max(1, pages / 10)) : r.nextInt(pages);
        }
        return t;
    }

    /** misses[c] for every size c in 0..pages, from Mattson's stack over {@code trace[from, to)} (the stack seeing the whole prefix). */
    static double[] naiveMissRatios(long[] trace, int from, int to, int maxSize) {
        NaiveMattson m = new NaiveMattson();
        long[] atDistance = new long[trace.length + 2];
        long cold = 0;
        for (int i = 0; i < to; i++) {
            long d = m.access(trace[i]);
            if (i < from) {
                continue;
            }
            if (d == 0) {
                cold++;
            } else {
                atDistance[(int) d]++;
            }
        }
        double[] ratio = new double[maxSize + 1];
        long above = 0;
        for (int d = 1; d < atDistance.length; d++) {
            above += atDistance[d];
        }
        for (int c = 0; c <= maxSize; c++) {
            if (c >= 1 && c < atDistance.length) {
                above -= atDistance[c];
            }
            ratio[c] = (double) (cold + above) / (to - from);
        }
        return ratio;
    }

    @Property(tries = 40)
    void exactCurveIsMattsonAtEverySize(@ForAll @IntRange(min = 0, max = 1000) int seed,
                                        @ForAll @IntRange(min = 1, max = 3) int shape) {
        long[] trace = switch (shape) {
            case 1 -> skewed(seed, 6000, 50 + seed * 2);
            case 2 -> loopWithNoise(seed, 6000, 150 + seed, seed % 21, 3000);
            default -> loopWithNoise(seed, 6000, 200 + seed / 2, 0, 200 + seed / 2);
        };
        int cut = 4000; // one window closes here: the window histogram holds the rest
        MrcEngine e = new MrcEngine(seed, MrcConfig.exact());
        e.accept(trace, 0, cut);
        e.closeWindow();
        e.accept(trace, cut, trace.length - cut);
        for (MrcEngine.Histogram h : new MrcEngine.Histogram[] {MrcEngine.Histogram.CUMULATIVE, MrcEngine.Histogram.WINDOW}) {
            int from = h == MrcEngine.Histogram.WINDOW ? cut : 0;
            long max = e.curveMaxPages(h);
            double[] want = naiveMissRatios(trace, from, trace.length, (int) max);
            MissRatioCurve all = e.curve(h, CacheSizeGrid.every(max));
            assertEquals(max, all.points());
            for (int c = 1; c <= max; c++) {
                assertEquals(want[c], all.missRatio()[c - 1], 1e-12, h + " size " + c);
            }
            // The published curve, read with linear interpolation, is within 1e-4 of it everywhere
            // (given room: with 2,000 references a window's every distinct distance is a 5e-4 step).
            MissRatioCurve published = e.curve(h, 1 << 16);
            assertTrue(published.interpolationError() <= CurveKnots.EXACT_BOUND, h + " " + published.interpolationError());
            double worst = CurveKnotsPropertiesTest.worstInterpolationGap(published, want);
            assertTrue(worst <= CurveKnots.EXACT_BOUND, h + " published curve strays " + worst);
            // Within the default cap, the error reported is the error there is.
            MissRatioCurve capped = e.curve(h);
            assertTrue(capped.points() <= CurveKnots.DEFAULT_MAX_POINTS);
            assertEquals(CurveKnotsPropertiesTest.worstInterpolationGap(capped, want), capped.interpolationError(), 1e-12);
        }
    }

    /** The decayed histogram is the decayed sum of the windows' exact histograms, at every size. */
    @Property(tries = 10)
    void decayedCurveIsTheDecayedSumOfExactWindows(@ForAll @IntRange(min = 0, max = 1000) int seed) {
        long[] trace = loopWithNoise(seed, 6000, 300 + seed / 4, 10, 2000);
        MrcEngine e = new MrcEngine(seed, MrcConfig.exact().withDecay(0.5));
        e.accept(trace, 0, 3000);
        e.closeWindow();
        e.accept(trace, 3000, 3000);
        e.closeWindow();
        long max = e.curveMaxPages(MrcEngine.Histogram.DECAYED);
        double[] first = naiveMissRatios(trace, 0, 3000, (int) max);
        double[] second = naiveMissRatios(trace, 3000, 6000, (int) max);
        MissRatioCurve decayed = e.curve(MrcEngine.Histogram.DECAYED, CacheSizeGrid.every(max));
        for (int c = 1; c <= max; c++) {
            // Equal weights per window (3000 references each): 0.5 * first + second over 1.5 windows.
            assertEquals((0.5 * first[c] + second[c]) / 1.5, decayed.missRatio()[c - 1], 1e-12, "size " + c);
        }
    }
}
