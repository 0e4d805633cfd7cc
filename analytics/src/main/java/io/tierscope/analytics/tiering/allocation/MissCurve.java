package io.tierscope.analytics.tiering.allocation;

import java.util.Arrays;

/**
 * A miss-ratio curve as the allocator uses it: points (sizePages, missRatio) with strictly
 * ascending sizes, read as a piecewise-linear function of the fast pages a VM gets. Below the
 * first point the curve runs from (0, 1) (no fast memory: every reference misses) unless the
 * first point is at size 0; beyond the last point it stays flat (more memory cannot help a VM
 * that has touched no more pages).
 *
 * <p>{@link #hull()} is the lower convex hull of those points, the curve the allocator optimises
 * on (see {@link FastMemoryAllocator} for why).
 */
public final class MissCurve {
    private final long[] sizes;
    private final double[] missRatios;

    /**
     * @param sizePages  ascending, distinct, >= 0
     * @param missRatios one per size, each in [0, 1]
     */
    public MissCurve(long[] sizePages, double[] missRatios) {
        if (sizePages.length != missRatios.length) {
            throw new IllegalArgumentException("curve has " + sizePages.length + " sizes but " + missRatios.length + " miss ratios");
        }
        if (sizePages.length == 0) {
            throw new IllegalArgumentException("curve has no points");
        }
        for (int i = 0; i < sizePages.length; i++) {
            if (sizePages[i] < 0 || (i > 0 && sizePages[i] <= sizePages[i - 1])) {
                throw new IllegalArgumentException("curve sizes must be >= 0 and strictly ascending, got "
                        + sizePages[i] + " at point " + i);
            }
            if (!(missRatios[i] >= 0 && missRatios[i] <= 1)) {
                throw new IllegalArgumentException("miss ratio must be in [0, 1], got " + missRatios[i] + " at point " + i);
            }
        }
        if (sizePages[0] > 0) {
            this.sizes = new long[sizePages.length + 1];
            this.missRatios = new double[sizePages.length + 1];
            System.arraycopy(sizePages, 0, sizes, 1, sizePages.length);
            System.arraycopy(missRatios, 0, this.missRatios, 1, sizePages.length);
            this.missRatios[0] = 1.0;
        } else {
            this.sizes = sizePages.clone();
            this.missRatios = missRatios.clone();
        }
    }

    /** A curve from alternating size, miss ratio pairs: {@code of(0, 1.0, 100, 0.5, 200, 0.1)}. */
    public static MissCurve of(double... sizeRatioPairs) {
        if (sizeRatioPairs.length % 2 != 0) {
            throw new IllegalArgumentException("need size, missRatio pairs, got " + sizeRatioPairs.length + " numbers");
        }
        long[] s = new long[sizeRatioPairs.length / 2];
        double[] m = new double[s.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = (long) sizeRatioPairs[2 * i];
            m[i] = sizeRatioPairs[2 * i + 1];
        }
        return new MissCurve(s, m);
    }

    /** Miss ratio with {@code pages} fast pages: linear between points, flat beyond the last. */
    public double missRatioAt(long pages) {
        if (pages <= sizes[0]) {
            return missRatios[0];
        }
        int last = sizes.length - 1;
        if (pages >= sizes[last]) {
            return missRatios[last];
        }
        int i = Arrays.binarySearch(sizes, pages);
        if (i >= 0) {
            return missRatios[i];
        }
        int hi = -i - 1;
        int lo = hi - 1;
        double t = (double) (pages - sizes[lo]) / (sizes[hi] - sizes[lo]);
        return missRatios[lo] + t * (missRatios[hi] - missRatios[lo]);
    }

    /**
     * The lower convex hull (Andrew's monotone chain over the points, plus the flat tail): the
     * largest convex function below the curve. Convex and, because the tail is flat, non-increasing
     * after its minimum; points of the curve that lie above a chord (the top of a cliff) are dropped.
     */
    public MissCurve hull() {
        int n = sizes.length;
        long[] hs = new long[n];
        double[] hm = new double[n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            // Pop while the last hull point lies on or above the chord from the one before to point i.
            while (k >= 2 && cross(hs[k - 2], hm[k - 2], hs[k - 1], hm[k - 1], sizes[i], missRatios[i]) <= 0) {
                k--;
            }
            hs[k] = sizes[i];
            hm[k] = missRatios[i];
            k++;
        }
        // The flat tail beyond the last point is part of the curve: a hull point after the minimum
        // would rise above it, so the hull ends at its lowest point and stays flat.
        int min = 0;
        for (int i = 1; i < k; i++) {
            if (hm[i] < hm[min]) {
                min = i;
            }
        }
        return new MissCurve(Arrays.copyOf(hs, min + 1), Arrays.copyOf(hm, min + 1), true);
    }

    private MissCurve(long[] sizes, double[] missRatios, boolean trusted) {
        this.sizes = sizes;
        this.missRatios = missRatios;
    }

    /** > 0 when a, b, c turn counter-clockwise (b lies strictly below the chord a-c). */
    private static double cross(long ax, double ay, long bx, double by, long cx, double cy) {
        return (double) (bx - ax) * (cy - ay) - (by - ay) * (double) (cx - ax);
    }

    /** Sizes of the points, including the implied (0, 1) when the input started above 0. */
    public long[] sizes() {
        return sizes.clone();
    }

    public double[] missRatios() {
        return missRatios.clone();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("MissCurve[");
        for (int i = 0; i < sizes.length; i++) {
            b.append(i == 0 ? "" : ", ").append(sizes[i]).append(':').append(missRatios[i]);
        }
        return b.append(']').toString();
    }
}
