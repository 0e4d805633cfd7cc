package io.tierscope.analytics.mrc;

import java.util.Arrays;

/**
 * Reuse counts per exact stack distance (index = distance in pages, 1-based): what an exact
 * engine records instead of log-linear buckets, so its curve is the exact LRU curve at every
 * size. The array grows with the largest distance seen, which is at most the distinct pages
 * tracked: state proportional to the footprint, 8 bytes per distance up to it (plus growth slack).
 * Weights are doubles because the decayed histogram scales them.
 */
final class ExactDistances {
    private static final double[] NONE = new double[0];

    /** counts[d]: weight of reuses at distance d; counts[0] is unused. */
    double[] counts = NONE;
    /** Largest distance with a non-zero weight, 0 if none. */
    int max;

    void record(long distance) {
        if (distance >= counts.length) {
            grow(distance);
        }
        int d = (int) distance;
        counts[d] += 1;
        if (d > max) {
            max = d;
        }
    }

    /** Sets the weight of distance {@code d} (restore). */
    void set(int d, double weight) {
        if (d >= counts.length) {
            grow(d);
        }
        counts[d] = weight;
        if (weight != 0 && d > max) {
            max = d;
        }
    }

    private void grow(long distance) {
        if (distance >= Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("exact stack distance " + distance + " beyond an array's reach");
        }
        long wanted = Math.max(distance + 1, Math.min(Integer.MAX_VALUE - 8, counts.length + (counts.length >> 1)));
        counts = Arrays.copyOf(counts, (int) Math.max(wanted, 64));
    }

    void clear() {
        Arrays.fill(counts, 0, Math.min(counts.length, max + 1), 0);
        max = 0;
    }

    void scale(double factor) {
        for (int d = 1; d <= max; d++) {
            counts[d] *= factor;
        }
    }

    void add(ExactDistances o) {
        if (o.max >= counts.length) {
            grow(o.max);
        }
        for (int d = 1; d <= o.max; d++) {
            counts[d] += o.counts[d];
        }
        max = Math.max(max, o.max);
    }

    double sum() {
        double s = 0;
        for (int d = 1; d <= max; d++) {
            s += counts[d];
        }
        return s;
    }

    /** Weight at distances 1..d, for every d in 0..max (index d): O(max) once per curve. */
    double[] prefixSums() {
        double[] prefix = new double[max + 1];
        double s = 0;
        for (int d = 1; d <= max; d++) {
            s += counts[d];
            prefix[d] = s;
        }
        return prefix;
    }

    long retainedBytes() {
        return 8L * counts.length;
    }
}
