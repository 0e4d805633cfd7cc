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

    /**
     * Writes these counts into an engine snapshot (format 5): non-zero ones as (distance gap, count);
     * counts are whole numbers (varints) but in the decayed histogram (doubles): a kind byte says
     * which, 0 when there are none.
     */
    void writeTo(SnapshotOutput out) {
        if (max == 0) {
            out.writeByte(0);
            return;
        }
        boolean whole = true;
        int nonZero = 0;
        for (int d = 1; d <= max; d++) {
            double c = counts[d];
            if (c != 0) {
                nonZero++;
                whole &= c == Math.rint(c) && c > 0 && c < 0x1p53;
            }
        }
        out.writeByte(whole ? 1 : 2);
        out.writeVarLong(nonZero);
        out.ensure(18 * nonZero);
        int previous = 0;
        for (int d = 1; d <= max; d++) {
            double c = counts[d];
            if (c != 0) {
                out.writeVarLongUnchecked(d - previous - 1);
                if (whole) {
                    out.writeVarLongUnchecked((long) c);
                } else {
                    out.writeDouble(c);
                }
                previous = d;
            }
        }
    }

    /**
     * Reads the counts after {@link #writeTo}'s non-zero {@code kind} byte. {@code pages}: the pages first
     * touched or tracked, whichever is larger; no exact distance can exceed it.
     */
    void readFrom(SnapshotInput in, int kind, long pages) {
        if (kind > 2) {
            throw new IllegalArgumentException("exact distances kind " + kind + " in MRC snapshot of an exact engine");
        }
        long nonZero = in.readVarLong("exact distance count");
        if (nonZero > pages) {
            throw new IllegalArgumentException("exact distance count " + nonZero + " above the pages touched "
                    + pages + " in MRC snapshot");
        }
        long d = 0;
        for (long i = 0; i < nonZero; i++) {
            d += 1 + in.readVarLong("exact distance gap");
            if (d > pages) {
                throw new IllegalArgumentException("exact distance " + d + " above the pages touched " + pages
                        + " in MRC snapshot");
            }
            set((int) d, kind == 1 ? in.readVarLong("exact distance count") : in.readDouble("exact distance count"));
        }
    }
}
