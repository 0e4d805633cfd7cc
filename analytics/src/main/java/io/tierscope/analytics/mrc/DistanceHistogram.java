package io.tierscope.analytics.mrc;

import java.util.Arrays;
import java.util.function.LongSupplier;

/**
 * Reuse-distance histogram in unsampled pages. Log-linear buckets: distances below 128 are exact,
 * above that each power of two is split into 64 buckets (at most 1.6% relative width), so the
 * whole 2^62 range fits in {@value #BUCKETS} doubles whatever the footprint.
 *
 * <p>Counts are in estimated (unsampled) references: a sample taken at rate R stands for 1/R
 * references and its sampled distance d for {@code ceil(d / R)} pages (SHARDS §3). For the
 * fixed-size sampler R falls over time; weighting each sample by the rate it was taken at is
 * the paper's rescaling of older counts when the threshold is lowered (§4.2), done up front.
 *
 * <p>Small sampled distances (d &lt;= {@value #NEAR}) say little about the true distance D: D is
 * negative-binomial, the trial of the d-th sampled page, spread over roughly [d, 2d/R]. Their
 * weights are kept per d (with their mean rate) and spread at curve time with
 * P(D &lt;= c) = P(Binomial(c, R) &gt;= d), instead of all landing at d/R. {@link #total} is the
 * number of references offered; its gap to the summed weights is the SHARDS_adj correction
 * (§5.2), booked into the first bucket (sampled distance 1). Miss ratio at c is then
 * {@code (cold + weight above c) / total}.
 *
 * <p>With an exact head (see {@link MrcEngine}), reuses within the head are counted exactly,
 * weight 1, in the same buckets; the references beyond it (or first references) are counted
 * exactly too ({@link #farReferences}), and only how they spread over distances beyond the head
 * comes from samples ({@link #far}, {@link #farCold}): the ratio estimator
 * {@code farReferences * (sampled weight above c) / (sampled weight)}. The SHARDS_adj
 * correction is then not needed for them: the count it corrects is known.
 *
 * <p>An exact engine (every page, rate 1) records its distances in {@link #exact}, one count per
 * distance, so its curve is the exact LRU curve at every size; the buckets then only hold what
 * it records after a pre-filter made it a sampler.
 */
public final class DistanceHistogram {
    static final int EXACT = 128;
    static final int SUB_BITS = 6;
    static final int SUB = 1 << SUB_BITS;
    static final int BUCKETS = EXACT + (62 - 7 + 1) * SUB;
    /** Sampled distances spread at curve time rather than bucketed at d / R. */
    static final int NEAR = 32;
    /** Bytes held by one histogram's arrays. */
    static final long RETAINED_BYTES = 8L * (2 * BUCKETS + 2 * (NEAR + 1));
    private static final long MAX_DISTANCE = Long.MAX_VALUE >>> 1;

    final double[] counts = new double[BUCKETS];
    /** near[d]: weight of sampled distance d taken at rate < 1; nearSamples[d]: how many samples that is. */
    final double[] near = new double[NEAR + 1];
    final double[] nearSamples = new double[NEAR + 1];
    /** Weight of first references (cold misses); also the footprint estimate in pages. */
    double cold;
    /** Samples recorded (unweighted). */
    double samples;
    /** The denominator of miss ratios: references offered, or the summed weights when no adjustment applies. */
    double total;
    long references;
    /** Rate of the latest sample, used to spread the SHARDS_adj correction. */
    double lastRate = 1;
    /** Size of the exact head: far distances are kept as their part beyond it (see {@link #far}). */
    final long headPages;
    /** Sampled reuses beyond the exact head, by estimated distance less {@link #headPages} (weights 1/R). */
    final double[] far = new double[BUCKETS];
    /** Sampled first references among the references beyond the head (weights 1/R). */
    double farCold;
    /** References beyond the exact head (or first references), counted exactly. */
    double farReferences;
    /** Distances recorded at rate 1 by an exact engine, one count per distance; null for sampled engines. */
    final ExactDistances exact;

    /** A histogram for an engine whose exact head holds {@code headPages} pages (0: none). */
    DistanceHistogram(long headPages) {
        this(headPages, false);
    }

    /** With {@code exactDistances}, distances recorded at rate 1 are kept one count per distance. */
    DistanceHistogram(long headPages, boolean exactDistances) {
        this.headPages = headPages;
        this.exact = exactDistances ? new ExactDistances() : null;
    }

    /** Bucket of integer distance v >= 0. */
    static int bucket(long v) {
        if (v < EXACT) {
            return (int) v;
        }
        int e = 63 - Long.numberOfLeadingZeros(v);
        int shift = e - SUB_BITS;
        return EXACT + (e - 7) * SUB + (int) ((v >>> shift) - SUB);
    }

    /** Smallest distance in bucket {@code b}. */
    static long lowerBound(int b) {
        if (b < EXACT) {
            return b;
        }
        int k = b - EXACT;
        int e = 7 + k / SUB;
        return (long) (SUB + k % SUB) << (e - SUB_BITS);
    }

    /** Number of distances in bucket {@code b}. */
    static long width(int b) {
        return b < EXACT ? 1 : 1L << (7 + (b - EXACT) / SUB - SUB_BITS);
    }

    void recordDistance(long sampledDistance, double rate) {
        double w = 1 / rate;
        samples += 1;
        lastRate = rate;
        if (rate < 1 && sampledDistance <= NEAR) {
            near[(int) sampledDistance] += w;
            nearSamples[(int) sampledDistance] += 1;
            return;
        }
        if (rate == 1.0 && exact != null) {
            exact.record(sampledDistance);
            return;
        }
        long v = rate == 1.0 ? sampledDistance : (long) Math.ceil(sampledDistance / rate);
        counts[bucket(Math.min(v, MAX_DISTANCE))] += w;
    }

    /** A reuse within the exact head: its distance is exact, its weight 1. */
    void recordExact(long distance) {
        samples += 1;
        counts[bucket(distance)] += 1;
    }

    /** A reference beyond the exact head, counted whether or not its page is sampled. */
    void recordBeyondHead() {
        farReferences += 1;
    }

    /**
     * A sampled reuse beyond the exact head, {@code beyond} >= 1 pages past it (estimated, in
     * unsampled pages). Kept relative to the head, so bucket widths never blur its edge.
     */
    void recordFar(long beyond, double rate) {
        double w = 1 / rate;
        samples += 1;
        far[bucket(Math.min(Math.max(beyond, 1), MAX_DISTANCE))] += w;
    }

    /** A sampled first reference beyond the exact head. */
    void recordFarCold(double rate) {
        double w = 1 / rate;
        samples += 1;
        farCold += w;
    }

    void recordCold(double rate) {
        cold += 1 / rate;
        samples += 1;
        lastRate = rate;
    }

    /** Books {@code n} references offered to the sampler (sampled or not), adding {@code weight} to the total. */
    void book(long n, double weight) {
        references += n;
        total += weight;
    }

    void clear() {
        Arrays.fill(counts, 0);
        Arrays.fill(near, 0);
        Arrays.fill(nearSamples, 0);
        Arrays.fill(far, 0);
        farCold = 0;
        farReferences = 0;
        if (exact != null) {
            exact.clear();
        }
        cold = 0;
        samples = 0;
        total = 0;
        references = 0;
    }

    /** Multiplies everything by {@code factor} (exponential decay); reference count is rounded. */
    void scale(double factor) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] *= factor;
            far[i] *= factor;
        }
        farCold *= factor;
        farReferences *= factor;
        if (exact != null) {
            exact.scale(factor);
        }
        for (int d = 0; d <= NEAR; d++) {
            near[d] *= factor;
            nearSamples[d] *= factor;
        }
        cold *= factor;
        samples *= factor;
        total *= factor;
        references = Math.round(references * factor);
    }

    void add(DistanceHistogram o) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += o.counts[i];
            far[i] += o.far[i];
        }
        farCold += o.farCold;
        farReferences += o.farReferences;
        if (exact != null && o.exact != null) {
            exact.add(o.exact);
        }
        for (int d = 0; d <= NEAR; d++) {
            near[d] += o.near[d];
            nearSamples[d] += o.nearSamples[d];
        }
        cold += o.cold;
        samples += o.samples;
        total += o.total;
        references += o.references;
        if (o.samples > 0) {
            lastRate = o.lastRate;
        }
    }

    /**
     * The histogram frozen for one curve: the sums every size's miss ratio needs, computed once
     * (O(buckets + largest exact distance)), so each size then costs O(1) (plus the near spread).
     * Valid until the histogram next changes.
     */
    final class Evaluation {
        final double adjustment = adjustment();
        final double farShare = farShare();
        final double coldEstimate = coldEstimate();
        /** countsAbove[b]: weight in buckets b and above; farAbove the same for {@link #far}. */
        private final double[] countsAbove = suffixSums(counts);
        private final double[] farAbove = suffixSums(far);
        private final double[] exactPrefix = exact == null ? new double[1] : exact.prefixSums();
        private final boolean nearInUse = nearInUse(adjustment);

        /**
         * Weight of re-references whose (estimated) distance exceeds {@code c} pages, the references
         * beyond the exact head among them (their reuse share by the ratio estimate; with no sample
         * yet they all count as first references, see {@link #coldEstimate()}).
         */
        double above(long c) {
            double above = weightAbove(counts, countsAbove, c);
            int exactMax = exactPrefix.length - 1;
            if (c < exactMax) {
                above += exactPrefix[exactMax] - exactPrefix[(int) Math.max(c, 0)];
            }
            if (farShare > 0) {
                above += farShare * weightAbove(far, farAbove, c - headPages);
            }
            if (!nearInUse) {
                return above;
            }
            for (int d = 1; d <= NEAR; d++) {
                double w = d == 1 ? near[1] + adjustment : near[d];
                if (w != 0) {
                    // samples / weight = the (harmonic) mean rate those samples were taken at.
                    double rate = nearSamples[d] > 0 ? nearSamples[d] / near[d] : lastRate;
                    above += w * binomialBelow(c, rate, d);
                }
            }
            return above;
        }

        /** Miss ratio of an LRU cache of {@code c} pages (uniform spread within a bucket); NaN without references. */
        double missRatio(long c) {
            return total > 0 ? clamp((coldEstimate + above(c)) / total) : Double.NaN;
        }

        /** True when the near spread (or the SHARDS_adj correction booked with it) has weight. */
        private boolean nearInUse(double adjustment) {
            if (adjustment != 0) {
                return true;
            }
            for (double w : near) {
                if (w != 0) {
                    return true;
                }
            }
            return false;
        }
    }

    /** suffix[b] = buckets[b] + ... + buckets[BUCKETS - 1], summed from the top; suffix[BUCKETS] = 0. */
    private static double[] suffixSums(double[] buckets) {
        double[] suffix = new double[buckets.length + 1];
        for (int b = buckets.length - 1; b >= 0; b--) {
            suffix[b] = suffix[b + 1] + buckets[b];
        }
        return suffix;
    }

    /** Weight in {@code buckets} above distance {@code c}, spread uniformly within a bucket. */
    private static double weightAbove(double[] buckets, double[] suffix, long c) {
        int cb = bucket(Math.min(Math.max(c, 0), MAX_DISTANCE));
        double above = suffix[cb + 1];
        if (buckets[cb] != 0) {
            long hi = lowerBound(cb) + width(cb) - 1;
            above += buckets[cb] * (double) (hi - c) / width(cb);
        }
        return above;
    }

    /**
     * References beyond the head per unit of sampled weight beyond it (the ratio estimate's
     * factor); 0 while none of them was sampled.
     */
    private double farShare() {
        if (farReferences == 0) {
            return 0;
        }
        double weight = farCold;
        for (double v : far) {
            weight += v;
        }
        return weight > 0 ? farReferences / weight : 0;
    }

    /** Estimated first references: sampled ones weighted, plus the cold share of those beyond the head. */
    double coldEstimate() {
        double share = farShare();
        return cold + (share > 0 ? share * farCold : farReferences);
    }

    /** P(Binomial(c, r) < d): the chance a reuse of sampled distance d is farther than c pages. */
    static double binomialBelow(long c, double r, int d) {
        if (c < d) {
            return 1;
        }
        if (r >= 1) {
            return 0;
        }
        double term = Math.exp(c * Math.log1p(-r));
        double sum = term;
        double odds = r / (1 - r);
        for (int k = 0; k < d - 1; k++) {
            term *= (double) (c - k) / (k + 1) * odds;
            sum += term;
        }
        return Math.min(1, sum);
    }

    /** The SHARDS_adj correction: references offered minus their estimate from the samples. */
    private double adjustment() {
        double weights = cold + farReferences + (exact == null ? 0 : exact.sum());
        for (double v : counts) {
            weights += v;
        }
        for (double v : near) {
            weights += v;
        }
        return total - weights;
    }

    /** Miss ratio of an LRU cache of {@code c} pages for each size, assuming uniform spread within a bucket. */
    double[] missRatios(long[] sizes) {
        return missRatios(new Evaluation(), sizes);
    }

    static double[] missRatios(Evaluation e, long[] sizes) {
        double[] out = new double[sizes.length];
        for (int s = 0; s < sizes.length; s++) {
            out[s] = e.missRatio(sizes[s]);
        }
        return out;
    }

    long workingSet(double tolerance) {
        return workingSet(new Evaluation(), tolerance);
    }

    /**
     * Working-set estimate: the smallest cache (pages) that serves all but {@code tolerance} of the
     * references, where a first touch counts as a miss for a cache smaller than the pages first
     * touched (C, the cold-miss estimate): a cache must hold a page from its first touch on, so a
     * window that only scans new pages needs the C pages it touched, not 0. Formally the smallest
     * c with {@code above(c) + (c < C ? cold : 0) <= tolerance * total}. On a curve whose
     * re-references matter this is where it reaches within {@code tolerance} of its cold-miss
     * floor, as before; it is at least C when first touches are more than {@code tolerance} of the
     * references; 0 only when nothing was referenced.
     */
    long workingSet(Evaluation e, double tolerance) {
        if (!(total > 0)) {
            return 0;
        }
        double limit = tolerance * total;
        long firstTouched = (long) Math.ceil(e.coldEstimate - 1e-9);
        if (e.coldEstimate <= limit) {
            // Caches smaller than C qualify if their re-reference misses fit beside the first touches.
            long small = smallestWithin(e, limit - e.coldEstimate);
            if (small < firstTouched) {
                return small;
            }
        }
        return Math.max(firstTouched, smallestWithin(e, limit));
    }

    /** Smallest size c >= 0 whose re-reference misses {@code above(c)} are at most {@code limit}. */
    private static long smallestWithin(Evaluation e, double limit) {
        if (e.above(0) <= limit) {
            return 0;
        }
        long lo = 0;
        long hi = 1;
        while (e.above(hi) > limit && hi < MAX_DISTANCE) {
            lo = hi;
            hi = Math.min(MAX_DISTANCE, hi * 2);
        }
        // above(lo) > limit >= above(hi): binary search for the smallest such hi.
        while (hi - lo > 1) {
            long mid = lo + (hi - lo) / 2;
            if (e.above(mid) > limit) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return hi;
    }

    /**
     * Sizes in [1, max], ascending and distinct, between which this histogram's curve is linear:
     * both sides of every exact distance in use (the curve is a step there), both ends of every
     * bucket in use (uniform spread: linear inside), the same for the buckets beyond the exact
     * head, and, when the near spread is in use (smooth, not linear), every bucket edge: 64 per
     * doubling. O(distinct distances + buckets), sorted in O(n log n).
     */
    long[] breakpoints(long max, Evaluation e) {
        SizeList sizes = new SizeList();
        sizes.add(1, max);
        sizes.add(max, max);
        if (exact != null) {
            for (int d = 1; d <= exact.max && d <= max; d++) {
                if (exact.counts[d] != 0) {
                    sizes.add(d - 1, max);
                    sizes.add(d, max);
                }
            }
        }
        for (int b = 0; b < BUCKETS && lowerBound(b) <= max; b++) {
            if (counts[b] != 0 || e.nearInUse) {
                sizes.add(lowerBound(b) - 1, max);
                sizes.add(lowerBound(b) + width(b) - 1, max);
            }
            if (far[b] != 0 && e.farShare > 0) {
                sizes.add(headPages + lowerBound(b) - 1, max);
                sizes.add(headPages + lowerBound(b) + width(b) - 1, max);
            }
        }
        return sizes.sortedDistinct();
    }

    /** A growable list of sizes, dropping those outside [1, max]. */
    private static final class SizeList {
        private long[] values = new long[256];
        private int size;

        void add(long v, long max) {
            if (v < 1 || v > max) {
                return;
            }
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        long[] sortedDistinct() {
            boolean sorted = true;
            for (int i = 1; i < size && sorted; i++) {
                sorted = values[i - 1] <= values[i];
            }
            if (!sorted) { // an exact engine's breakpoints come in order: the common case sorts nothing
                Arrays.sort(values, 0, size);
            }
            int n = 0;
            for (int i = 0; i < size; i++) {
                if (n == 0 || values[i] != values[n - 1]) {
                    values[n++] = values[i];
                }
            }
            return Arrays.copyOf(values, n);
        }
    }

    /**
     * Writes this histogram's part of an engine snapshot (format 2: sums, a bitmask of the non-zero
     * near entries and those entries, then non-zero buckets as (gap, count); format 4 adds the sums
     * and buckets beyond the exact head; format 5 an exact engine's per-distance counts).
     */
    void writeTo(SnapshotOutput out) {
        out.writeDouble(cold);
        out.writeDouble(samples);
        out.writeDouble(total);
        out.writeVarLong(references);
        out.writeDouble(lastRate);
        long nearMask = 0;
        for (int d = 1; d <= NEAR; d++) {
            if (near[d] != 0 || nearSamples[d] != 0) {
                nearMask |= 1L << d;
            }
        }
        out.writeLong(nearMask);
        for (int d = 1; d <= NEAR; d++) {
            if ((nearMask & (1L << d)) != 0) {
                out.writeDouble(near[d]);
                out.writeDouble(nearSamples[d]);
            }
        }
        writeBuckets(out, counts);
        out.writeDouble(farReferences);
        out.writeDouble(farCold);
        writeBuckets(out, far);
        if (exact == null) {
            out.writeByte(0);
        } else {
            exact.writeTo(out);
        }
    }

    /**
     * Reads what {@link #writeTo} wrote in snapshot format {@code version} (1 to 5) into this empty
     * histogram. {@code distanceBound}, asked once the sums are read, bounds the exact distances.
     */
    void readFrom(SnapshotInput in, int version, LongSupplier distanceBound) {
        cold = in.readDouble("cold weight");
        samples = in.readDouble("samples");
        total = in.readDouble("total");
        references = version == 1 ? in.readLong("references") : in.readVarLong("references");
        lastRate = in.readDouble("last rate");
        long nearMask = version == 1 ? -1L : in.readLong("near mask");
        if ((nearMask & 1) != 0 && version != 1) {
            throw new IllegalArgumentException("near mask has bit 0 set in MRC snapshot");
        }
        for (int d = 1; d <= NEAR; d++) {
            if ((nearMask & (1L << d)) != 0) {
                near[d] = in.readDouble("near weight");
                nearSamples[d] = in.readDouble("near samples");
            }
        }
        readBuckets(in, counts, version);
        if (version >= 4) {
            farReferences = in.readDouble("references beyond the head");
            farCold = in.readDouble("cold weight beyond the head");
            readBuckets(in, far, version);
        }
        if (version >= 5) {
            int kind = in.readUnsignedByte("exact distances kind");
            if (kind != 0 && exact == null) {
                throw new IllegalArgumentException("exact distances kind " + kind + " in MRC snapshot of a sampled engine");
            }
            if (kind != 0) {
                exact.readFrom(in, kind, distanceBound.getAsLong());
            }
        }
    }

    private static void writeBuckets(SnapshotOutput out, double[] counts) {
        int nonZero = 0;
        for (double c : counts) {
            nonZero += c != 0 ? 1 : 0;
        }
        out.writeVarLong(nonZero);
        out.ensure(18 * nonZero);
        int previous = -1;
        for (int b = 0; b < counts.length; b++) {
            if (counts[b] != 0) {
                out.writeVarLongUnchecked(b - previous - 1);
                out.writeDouble(counts[b]);
                previous = b;
            }
        }
    }

    private static void readBuckets(SnapshotInput in, double[] counts, int version) {
        int nonZero = version == 1 ? in.readUnsignedShort("bucket count") : (int) Math.min(Integer.MAX_VALUE,
                in.readVarLong("bucket count"));
        int b = -1;
        for (int i = 0; i < nonZero; i++) {
            if (version == 1) {
                b = in.readUnsignedShort("bucket index");
            } else {
                b += 1 + (int) Math.min(BUCKETS, in.readVarLong("bucket gap"));
            }
            if (b < 0 || b >= counts.length) {
                throw new IllegalArgumentException("histogram bucket " + b + " out of range in MRC snapshot");
            }
            counts[b] = in.readDouble("bucket count");
        }
    }

    /** Bytes held by this histogram's arrays. */
    long retainedBytes() {
        return RETAINED_BYTES + (exact == null ? 0 : exact.retainedBytes());
    }

    /** Largest distance in use (a bucket's upper bound), 0 if none. */
    long maxDistance() {
        long max = exact == null ? 0 : exact.max;
        for (int b = BUCKETS - 1; b >= 0; b--) {
            if (far[b] != 0) {
                max = Math.max(max, headPages + lowerBound(b) + width(b) - 1);
                break;
            }
        }
        for (int b = BUCKETS - 1; b >= 0; b--) {
            if (counts[b] != 0) {
                return Math.max(max, lowerBound(b) + width(b) - 1);
            }
        }
        return max;
    }

    double coldMissRatio() {
        return total > 0 ? clamp(coldEstimate() / total) : Double.NaN;
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }
}
