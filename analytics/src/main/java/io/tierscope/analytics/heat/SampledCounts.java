package io.tierscope.analytics.heat;

import java.nio.ByteBuffer;

/**
 * A Memtis-style count of each page's sampled accesses with cooling, 16 bits per page: once per
 * sampling period {@code count' = round(count x 2^(-1/h)) + UNIT x sampled}, capped at {@link #MAX}
 * (the {@code sampled} of one period is capped at {@link #MAX_PER_PERIOD} first). Unlike the heat FSM's one
 * bit per page and period, it counts every sampled access, so after a phase change the new hot
 * set's busiest pages rank first at once. The sample-driven heat state keeps it and the page heat
 * record carries it; the planner and the simulator's planner row rank pages by it.
 *
 * <p>Units: {@link #UNIT} count units are one sampled access, so a page's count is in samples after
 * {@code / UNIT}; a page sampled λ times per period on average settles near {@code λ / (1 - a)}
 * samples, {@code a = 2^(-1/h)}.
 *
 * <p>The rounding is dithered: up or down with the odds that make it exact on average, from a hash of
 * the page and the period (deterministic). A plain floor loses up to a unit a period, which at long
 * half-lives is more than the cooling itself (one sample, 16 units, cools by 0.09 units a period at
 * h = 128): it cut every count's memory to about 16 periods whatever the half-life, and sparsely
 * sampled pages, the ones a long half-life is for, were forgotten between their samples. Dithered, a
 * count still reaches 0, and never sticks. Immutable.
 *
 * <p>The half-life should follow how often a page is sampled: {@link #halfLifeForDensity}.
 */
public final class SampledCounts {
    /** Count units per sampled access: fractions keep slow cooling smooth at low rates. */
    public static final int UNIT = 16;
    /** The largest count (unsigned 16 bits). */
    public static final int MAX = 0xFFFF;
    /** At most this many samples of one page count in one period (the rest saturate). */
    public static final int MAX_PER_PERIOD = MAX / UNIT;
    /**
     * Half-life in sampling periods at the simulator table's sampling density (0.15 samples per page and
     * period), chosen there on seed 1 among 4, 8, 16 and 32 (docs/tiering.md, "Sampled access counts"),
     * and the shortest {@link #halfLifeForDensity} gives.
     */
    public static final double DEFAULT_HALF_LIFE_PERIODS = 8;
    /**
     * {@link #halfLifeForDensity}: samples the average page gets in one half-life, 8 periods x 0.153 samples
     * per page and period at the simulator table's settings, where h = 8 was chosen.
     */
    public static final double SAMPLES_PER_PAGE_PER_HALF_LIFE = 1.22;
    /** The longest half-life {@link #halfLifeForDensity} gives, in periods. */
    public static final double MAX_DENSITY_HALF_LIFE_PERIODS = 256;

    private final double halfLifePeriods;
    private final double factor;
    /** The factor in 1/65536ths: the cooling is integer arithmetic, the same on every machine. */
    private final long factor16;

    public SampledCounts(double halfLifePeriods) {
        if (!(halfLifePeriods >= 0.5 && halfLifePeriods <= 1000)) {
            throw new IllegalArgumentException("half-life must be 0.5 to 1000 periods, got " + halfLifePeriods);
        }
        this.halfLifePeriods = halfLifePeriods;
        this.factor = Math.pow(0.5, 1 / halfLifePeriods);
        this.factor16 = Math.round(factor * 65536);
    }

    public static SampledCounts defaults() {
        return new SampledCounts(DEFAULT_HALF_LIFE_PERIODS);
    }

    public double halfLifePeriods() {
        return halfLifePeriods;
    }

    /**
     * The half-life for pages sampled {@code samplesPerPagePerPeriod} times per period on average (a VM's or
     * host's samples per period over its pages): long enough that the average page is sampled
     * {@link #SAMPLES_PER_PAGE_PER_HALF_LIFE} times in one, so a count still remembers a page when the next
     * sample comes. Between {@link #DEFAULT_HALF_LIFE_PERIODS} (dense sampling) and
     * {@link #MAX_DENSITY_HALF_LIFE_PERIODS} (no samples at all).
     */
    public static double halfLifeForDensity(double samplesPerPagePerPeriod) {
        if (!(samplesPerPagePerPeriod > 0)) {
            return MAX_DENSITY_HALF_LIFE_PERIODS;
        }
        return Math.max(DEFAULT_HALF_LIFE_PERIODS,
                Math.min(MAX_DENSITY_HALF_LIFE_PERIODS, SAMPLES_PER_PAGE_PER_HALF_LIFE / samplesPerPagePerPeriod));
    }

    /**
     * A count after one period with {@code sampled} accesses (both in their units: count units, samples);
     * {@code dither} in [0, 65536) rounds the cooled count up with the odds that make it exact on average
     * ({@link #dither}).
     */
    public int next(int count, int sampled, int dither) {
        int cooled = (int) ((count * factor16 + dither) >>> 16);
        return Math.min(MAX, cooled + UNIT * Math.min(Math.max(sampled, 0), MAX_PER_PERIOD));
    }

    /** As above with the rounding's dither of page 0 in period 0 (tests). */
    public int next(int count, int sampled) {
        return next(count, sampled, dither(0, 0));
    }

    /** A page's dither in [0, 65536) for one period: a hash of both (SplitMix64's finaliser), uniform and deterministic. */
    public static int dither(long page, long period) {
        long z = page * 0x9E3779B97F4A7C15L + period * 0xC2B2AE3D27D4EB4FL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (int) ((z ^ (z >>> 31)) >>> 48);
    }

    /**
     * One period for {@code counts[from .. from + length)}, pages {@code firstPage ..} of their VM, in
     * sampling period {@code period}: every count cools, and page {@code i} adds
     * {@code sampled[sampledFrom + i]} accesses ({@code sampled} null: an idle period).
     *
     * @return whether any count changed
     */
    public boolean update(char[] counts, int from, int length, int[] sampled, int sampledFrom, long firstPage,
                          long period) {
        boolean changed = false;
        for (int i = 0; i < length; i++) {
            int before = counts[from + i];
            if (before == 0 && sampled == null) {
                continue;
            }
            int after = next(before, sampled == null ? 0 : sampled[sampledFrom + i], dither(firstPage + i, period));
            if (after != before) {
                counts[from + i] = (char) after;
                changed = true;
            }
        }
        return changed;
    }

    /** A count in sampled accesses (the ranking's unit). */
    public static float samples(int count) {
        return count / (float) UNIT;
    }

    /**
     * Variance of a count (in samples) from sampling alone: with Poisson samples of rate λ per period
     * the count has mean {@code λ / (1 - a)} and variance {@code λ / (1 - a^2)}, so a count c has
     * variance about {@code c / (1 + a)}: {@code c / 2} at long half-lives, at most 4% more at the shortest
     * ({@link #DEFAULT_HALF_LIFE_PERIODS}), which is what a reader that does not know the half-life uses.
     */
    public double variance(double samples) {
        return Math.max(0, samples) / (1 + factor);
    }

    /** {@link #variance} without the half-life: its long half-life limit {@code c / 2}. */
    public static double noiseVariance(double samples) {
        return Math.max(0, samples) / 2;
    }

    /** A gap in sampled accesses per period as a difference of steady-state counts, in samples. */
    public double countGap(double samplesPerPeriod) {
        return samplesPerPeriod / (1 - factor);
    }

    /** Counts as the record carries them: two bytes per page, big-endian. */
    public static byte[] toBytes(char[] counts) {
        ByteBuffer out = ByteBuffer.allocate(2 * counts.length);
        for (char c : counts) {
            out.putChar(c);
        }
        return out.array();
    }

    /** The inverse of {@link #toBytes}; an odd length is malformed. */
    public static char[] fromBytes(ByteBuffer bytes) {
        ByteBuffer in = bytes.duplicate();
        if (in.remaining() % 2 != 0) {
            throw new IllegalArgumentException("sampled counts need two bytes per page, got " + in.remaining() + " bytes");
        }
        char[] out = new char[in.remaining() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = in.getChar();
        }
        return out;
    }
}
