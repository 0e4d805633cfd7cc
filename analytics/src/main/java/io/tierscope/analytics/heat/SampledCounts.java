package io.tierscope.analytics.heat;

import java.nio.ByteBuffer;

/**
 * A Memtis-style count of each page's sampled accesses with cooling, 16 bits per page: once per
 * sampling period {@code count' = floor(count x 2^(-1/h)) + UNIT x sampled}, capped at {@link #MAX}
 * (the {@code sampled} of one period is capped at {@link #MAX_PER_PERIOD} first). Unlike the heat FSM's one
 * bit per page and period, it counts every sampled access, so after a phase change the new hot
 * set's busiest pages rank first at once. The sample-driven heat state keeps it and the page heat
 * record carries it; the planner and the simulator's planner row rank pages by it.
 *
 * <p>Units: {@link #UNIT} count units are one sampled access, so a page's count is in samples after
 * {@code / UNIT}; a page sampled λ times per period on average settles near {@code λ / (1 - a)}
 * samples, {@code a = 2^(-1/h)}. The floor makes every count cool to 0 (never stick). Immutable.
 */
public final class SampledCounts {
    /** Count units per sampled access: fractions keep slow cooling smooth at low rates. */
    public static final int UNIT = 16;
    /** The largest count (unsigned 16 bits). */
    public static final int MAX = 0xFFFF;
    /** At most this many samples of one page count in one period (the rest saturate). */
    public static final int MAX_PER_PERIOD = MAX / UNIT;
    /**
     * Half-life in sampling periods, chosen in the simulator on seed 1 at its table's settings among
     * 4, 8, 16 and 32 (docs/tiering.md, "Sampled access counts"). Not a setting: the planner's margins
     * assume the streams app's half-life.
     */
    public static final double DEFAULT_HALF_LIFE_PERIODS = 8;

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

    /** A count after one period with {@code sampled} accesses (both in their units: count units, samples). */
    public int next(int count, int sampled) {
        int cooled = (int) ((count * factor16) >>> 16);
        return Math.min(MAX, cooled + UNIT * Math.min(Math.max(sampled, 0), MAX_PER_PERIOD));
    }

    /**
     * One period for {@code counts[from .. from + length)}: every count cools, and page {@code i} adds
     * {@code sampled[sampledFrom + i]} accesses ({@code sampled} null: an idle period).
     *
     * @return whether any count changed
     */
    public boolean update(char[] counts, int from, int length, int[] sampled, int sampledFrom) {
        boolean changed = false;
        for (int i = 0; i < length; i++) {
            int before = counts[from + i];
            int after = next(before, sampled == null ? 0 : sampled[sampledFrom + i]);
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
     * variance about {@code c / (1 + a)}.
     */
    public double variance(double samples) {
        return Math.max(0, samples) / (1 + factor);
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
