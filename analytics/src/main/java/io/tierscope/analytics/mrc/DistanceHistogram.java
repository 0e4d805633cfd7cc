package io.tierscope.analytics.mrc;

import java.util.Arrays;

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

    /** A histogram for an engine whose exact head holds {@code headPages} pages (0: none). */
    DistanceHistogram(long headPages) {
        this.headPages = headPages;
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
     * Weight of re-references whose (estimated) distance exceeds {@code c} pages, the references
     * beyond the exact head among them (their reuse share by the ratio estimate; with no sample
     * yet they all count as first references, see {@link #coldEstimate()}). {@code farShare} is
     * {@link #farShare()}, {@code adjustment} {@link #adjustment()}: computed once per curve.
     */
    private double above(long c, double adjustment, double farShare) {
        double above = above(counts, c);
        if (farShare > 0) {
            above += farShare * above(far, c - headPages);
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

    /** Weight in {@code buckets} above distance {@code c}, spread uniformly within a bucket. */
    private static double above(double[] buckets, long c) {
        double above = 0;
        int cb = bucket(Math.min(Math.max(c, 0), MAX_DISTANCE));
        for (int b = BUCKETS - 1; b > cb; b--) {
            above += buckets[b];
        }
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
        double weights = cold + farReferences;
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
        double[] out = new double[sizes.length];
        if (!(total > 0)) {
            Arrays.fill(out, Double.NaN);
            return out;
        }
        double adjustment = adjustment();
        double farShare = farShare();
        double coldEstimate = coldEstimate();
        for (int s = 0; s < sizes.length; s++) {
            out[s] = clamp((coldEstimate + above(sizes[s], adjustment, farShare)) / total);
        }
        return out;
    }

    /**
     * Working-set estimate: the smallest cache (pages) whose miss ratio is within {@code tolerance}
     * of the cold-miss floor, i.e. whose re-reference misses are at most {@code tolerance} of all
     * references. 0 when even an empty cache meets that (nothing is reused).
     */
    long workingSet(double tolerance) {
        if (!(total > 0)) {
            return 0;
        }
        double adjustment = adjustment();
        double farShare = farShare();
        double limit = tolerance * total;
        if (above(0, adjustment, farShare) <= limit) {
            return 0;
        }
        long lo = 0;
        long hi = 1;
        while (above(hi, adjustment, farShare) > limit && hi < MAX_DISTANCE) {
            lo = hi;
            hi = Math.min(MAX_DISTANCE, hi * 2);
        }
        // above(lo) > limit >= above(hi): binary search for the smallest such hi.
        while (hi - lo > 1) {
            long mid = lo + (hi - lo) / 2;
            if (above(mid, adjustment, farShare) > limit) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return hi;
    }

    /** Largest distance bucket in use (upper bound), 0 if none. */
    long maxDistance() {
        long max = 0;
        for (int b = BUCKETS - 1; b >= 0; b--) {
            if (far[b] != 0) {
                max = headPages + lowerBound(b) + width(b) - 1;
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
