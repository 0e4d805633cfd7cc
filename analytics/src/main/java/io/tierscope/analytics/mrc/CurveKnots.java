package io.tierscope.analytics.mrc;

import java.util.Arrays;
import java.util.function.LongToDoubleFunction;

/**
 * Chooses the points a curve is published at, so that a reader interpolating linearly between
 * consecutive points reads the engine's own curve: a few points where the curve is straight,
 * every bend where it is not (a loop's cliff is two points a page apart).
 *
 * <p>Input: the full-resolution curve as points {@code (x[i], y[i])} at every size where its slope
 * may change (the engine's breakpoints: between two of them it is linear, or, for a sampled
 * engine's near-distance spread, smooth and sampled 64 times per doubling), some of them
 * {@code forced} (the usual log grid, kept for people reading the numbers). Greedy sleeve, left
 * to right, O(n): a segment starts at its anchor and takes the next point as its end while the
 * line to it stays within the bound of every point passed (the slopes it may take narrow point by
 * point); at the first point it cannot take, or at a forced point, the segment ends. Every point
 * kept is a point of the curve.
 *
 * <p>With a cap on points, the bound is raised (bisection) until the curve fits; the achieved
 * bound is measured and returned, never assumed. Forced points always stay: a cap below their
 * number publishes them alone.
 */
public final class CurveKnots {
    /** Interpolation bound of an exact engine's published curve. */
    public static final double EXACT_BOUND = 1e-4;
    /** Interpolation bound of a sampled engine's published curve. */
    public static final double SAMPLED_BOUND = 0.002;
    /** Default most points per published curve (log grid included). */
    public static final int DEFAULT_MAX_POINTS = 512;
    /** Fewest points a cap may ask for: the two ends. */
    public static final int MIN_MAX_POINTS = 2;
    /** Most points a cap may ask for: a published curve record stays well under a megabyte. */
    public static final int MAX_MAX_POINTS = 1 << 16;

    private CurveKnots() {
    }

    /** A curve sampled at ascending sizes; {@code localError}: how far it may bend between two of them. */
    public record Samples(long[] x, double[] y, boolean[] forced, double localError) {
    }

    /**
     * Where the curve is not linear between consecutive sizes (a sampled engine's near-distance
     * spread, a clamp at 0 or 1), adds midpoints until the midpoint of every gap lies within
     * {@code tolerance} of the chord across it, or the gap is one page. {@code localError} is the
     * largest such midpoint gap left: twice it bounds the bend between samples for a curve that is
     * convex or concave there or has one kink, so fitting within {@code bound - 2 localError} at
     * the samples keeps the fit within {@code bound} everywhere.
     */
    public static Samples refine(long[] x, double[] y, boolean[] forced, LongToDoubleFunction curve, double tolerance) {
        int n = x.length;
        long[] rx = new long[Math.max(16, 2 * n)];
        double[] ry = new double[rx.length];
        boolean[] rf = new boolean[rx.length];
        int size = 0;
        double localError = 0;
        // Pending gaps, right ends on a stack: each gap [u, v] is split until straight enough.
        long[] stackX = new long[128];
        double[] stackY = new double[128];
        for (int i = 0; i < n; i++) {
            if (i == 0) {
                rx[0] = x[0];
                ry[0] = y[0];
                rf[0] = forced[0];
                size = 1;
                continue;
            }
            int top = 0;
            stackX[top] = x[i];
            stackY[top] = y[i];
            top++;
            while (top > 0) {
                long u = rx[size - 1];
                double fu = ry[size - 1];
                long v = stackX[top - 1];
                double fv = stackY[top - 1];
                if (v - u > 1 && top < stackX.length) {
                    long m = u + (v - u) / 2;
                    double fm = curve.applyAsDouble(m);
                    double gap = Math.abs(fm - (fu + (fv - fu) * (m - u) / (v - u)));
                    if (gap > tolerance) {
                        stackX[top] = m;
                        stackY[top] = fm;
                        top++;
                        continue;
                    }
                    localError = Math.max(localError, gap);
                }
                top--;
                if (size == rx.length) {
                    rx = Arrays.copyOf(rx, size * 2);
                    ry = Arrays.copyOf(ry, size * 2);
                    rf = Arrays.copyOf(rf, size * 2);
                }
                rx[size] = v;
                ry[size] = fv;
                rf[size] = top == 0 && forced[i];
                size++;
            }
        }
        return new Samples(Arrays.copyOf(rx, size), Arrays.copyOf(ry, size), Arrays.copyOf(rf, size), localError);
    }

    /**
     * The points kept and the largest gap, over all input points, between the line through the
     * kept ones and the input curve.
     */
    public record Fit(int[] kept, double maxError) {
    }

    /**
     * Fits within {@code bound} with at most {@code maxPoints} points (forced ones always kept),
     * raising the bound as little as the cap needs.
     *
     * @param x ascending, distinct sizes; {@code forced[0]} and {@code forced[n - 1]} are treated as forced
     */
    public static Fit fit(long[] x, double[] y, boolean[] forced, double bound, int maxPoints) {
        int n = x.length;
        if (n <= 2) {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            return new Fit(all, 0);
        }
        int[] kept = simplify(x, y, forced, bound, maxPoints);
        if (kept == null) {
            // Bisect the bound between one that needs too many points and one that fits (1 always
            // does, but for forced points: miss ratios span at most 1).
            double lo = bound;
            double hi = 1;
            int[] best = simplify(x, y, forced, hi, Integer.MAX_VALUE);
            if (best.length <= maxPoints) {
                for (int i = 0; i < 40 && hi - lo > bound * 1e-3; i++) {
                    double mid = (lo + hi) / 2;
                    int[] k = simplify(x, y, forced, mid, maxPoints);
                    if (k == null) {
                        lo = mid;
                    } else {
                        hi = mid;
                        best = k;
                    }
                }
            }
            kept = best;
        }
        return new Fit(kept, maxError(x, y, kept));
    }

    /**
     * Greedy sleeve within {@code eps}; null as soon as more than {@code limit} points would be
     * kept (forced points counted).
     */
    static int[] simplify(long[] x, double[] y, boolean[] forced, double eps, int limit) {
        int n = x.length;
        int[] kept = new int[Math.min(n, Math.max(2, limit == Integer.MAX_VALUE ? n : limit + 1))];
        int count = 0;
        kept[count++] = 0;
        int anchor = 0;
        double lo = Double.NEGATIVE_INFINITY;
        double hi = Double.POSITIVE_INFINITY;
        // A little under eps: rounding in the slopes must not push a point past the bound.
        double tol = eps * (1 - 1e-9);
        for (int k = 1; k < n; k++) {
            double dx = x[k] - x[anchor];
            double slope = (y[k] - y[anchor]) / dx;
            boolean end;
            if (slope < lo || slope > hi) {
                // k cannot be reached: the segment ends at k - 1 (reachable, or the loop would have
                // ended it), and the next one starts there and takes k first.
                end = true;
                k--;
            } else {
                lo = Math.max(lo, (y[k] - tol - y[anchor]) / dx);
                hi = Math.min(hi, (y[k] + tol - y[anchor]) / dx);
                end = forced[k] || k == n - 1;
            }
            if (end) {
                if (count == kept.length) {
                    return null;
                }
                kept[count++] = k;
                anchor = k;
                lo = Double.NEGATIVE_INFINITY;
                hi = Double.POSITIVE_INFINITY;
            }
        }
        if (count > limit) {
            return null;
        }
        return Arrays.copyOf(kept, count);
    }

    /** Largest |line through the kept points - y| over every input point. */
    public static double maxError(long[] x, double[] y, int[] kept) {
        double max = 0;
        for (int s = 0; s + 1 < kept.length; s++) {
            int a = kept[s];
            int b = kept[s + 1];
            double slope = (y[b] - y[a]) / (x[b] - x[a]);
            for (int i = a + 1; i < b; i++) {
                max = Math.max(max, Math.abs(y[a] + slope * (x[i] - x[a]) - y[i]));
            }
        }
        return max;
    }
}
