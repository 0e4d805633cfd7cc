package io.tierscope.analytics.tiering.placement;

import io.tierscope.analytics.heat.HeatTable;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A long memory of a page's heat in one byte: an integer EWMA, updated once per planning period,
 * of the signal "the page's newest heat state says it was accessed in the newest period". The heat
 * FSM alone remembers two or three periods; at a low sampling rate the pages near the fast/slow
 * boundary are seen once in several periods, and only a longer memory tells them apart.
 *
 * <p>Update: {@code score' = decayed[score] + (accessed ? gain : 0)} with {@code decayed[s] =
 * min(s - 1, round(s x 2^(-1/h)))} for {@code s > 0} (so every score cools to 0, never sticks),
 * the sum capped at 255, and {@code gain} one more than the largest drop of a score below 255 (so an
 * accessed period raises every score): a page accessed every period saturates at 255. A page accessed in a fraction r of the periods settles near {@code 255 x r}.
 *
 * <p>Signal: a state counts as "accessed in the newest period" when only an access leads into it
 * (FSM: warm-test and sizzle; history tables: the newest bit set). A state reachable both ways
 * (the FSM's warm: accessed twice, or sizzle then idle once) counts as not accessed, which keeps
 * alternating pages exact (warm-test, frigid-test, sizzle, warm, sizzle, ...).
 *
 * <p>One implementation for the planner (scores kept per page in its changelogged state) and the
 * simulator's {@code tierscope-fsm} row. Immutable and thread-safe.
 */
public final class HeatMemoryScore {
    /** Half-life in planning periods the simulator chose (docs/tiering.md: best share of 4, 8, 16, 32). */
    public static final double DEFAULT_HALF_LIFE_PERIODS = 16;
    /** Hysteresis: a slow page replaces a fast one only when its score is higher by this ratio ... */
    public static final double DEFAULT_TOLERANCE_RATIO = 0.1;
    /** ... and by at least this much, in score units (chosen in the simulator among 4, 12, 24). */
    public static final double DEFAULT_MIN_GAP = 12;
    public static final int MAX = 255;
    /**
     * Hysteresis against sampling noise: a slow page replaces a fast one only when their scores differ by
     * this many standard deviations of the difference ({@link #variance}). Two, as a plain significance
     * level, not tuned on the simulator's workloads.
     */
    public static final double DEFAULT_NOISE_SIGMAS = 2;

    /** Eight scores read as one long, to skip idle pages eight at a time. */
    private static final VarHandle EIGHT_SCORES = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final double halfLifePeriods;
    private final byte[] decayed = new byte[MAX + 1];
    private final int gain;

    public HeatMemoryScore(double halfLifePeriods) {
        if (!(halfLifePeriods >= 0.5 && halfLifePeriods <= 1000)) {
            throw new IllegalArgumentException("half-life must be 0.5 to 1000 periods, got " + halfLifePeriods);
        }
        this.halfLifePeriods = halfLifePeriods;
        double factor = Math.pow(0.5, 1 / halfLifePeriods);
        for (int s = 1; s <= MAX; s++) {
            decayed[s] = (byte) Math.min(s - 1, Math.round(s * factor));
        }
        int largestDrop = 0;
        for (int s = 0; s < MAX; s++) {
            largestDrop = Math.max(largestDrop, s - (decayed[s] & 0xff));
        }
        this.gain = largestDrop + 1; // an accessed period raises every score below 255

    }

    public double halfLifePeriods() {
        return halfLifePeriods;
    }

    /**
     * Variance of a score from sampling alone: a page accessed in a fraction p = score / 255 of the
     * periods, each period independently, has a score (255 x an exponential moving average of the
     * 0/1 signal with factor a = 2^(-1/h)) of variance {@code 255^2 x p(1 - p) x (1 - a) / (1 + a)}.
     */
    public double variance(double score) {
        double p = Math.min(1, Math.max(0, score / MAX));
        double a = Math.pow(0.5, 1 / halfLifePeriods);
        return (double) MAX * MAX * p * (1 - p) * (1 - a) / (1 + a);
    }

    /** What one accessed period adds (after the decay). */
    public int gain() {
        return gain;
    }

    /** The score after one period; {@code score} and the result are 0..255. */
    public int next(int score, boolean accessed) {
        return accessed ? Math.min(MAX, (decayed[score] & 0xff) + gain) : decayed[score] & 0xff;
    }

    /**
     * The whole period's update as one table, for loops that update scores as they read the states:
     * entry {@code state << 8 | score} is {@link #next}{@code (score, accessed(state))}.
     */
    public byte[] nextByState(HeatTable table) {
        boolean[] accessed = accessedStates(table);
        byte[] next = new byte[accessed.length << 8];
        for (int s = 0; s < accessed.length; s++) {
            for (int score = 0; score <= MAX; score++) {
                next[(s << 8) | score] = (byte) next(score, accessed[s]);
            }
        }
        return next;
    }

    /** Per state of {@code table}: does the state say the page was accessed in the newest period? */
    public static boolean[] accessedStates(HeatTable table) {
        int n = table.stateCount();
        boolean[] byAccess = new boolean[n];
        boolean[] byIdle = new boolean[n];
        for (int s = 0; s < n; s++) {
            byAccess[table.next(s, 1)] = true;
            byIdle[table.next(s, 0)] = true;
        }
        boolean[] accessed = new boolean[n];
        for (int s = 0; s < n; s++) {
            accessed[s] = byAccess[s] && !byIdle[s];
        }
        return accessed;
    }

    /**
     * One period for {@code length} pages: {@code scores[from + i]} from the page's newest state
     * {@code states[i]} of {@code table}, or as an idle period when {@code states} is null (no heat
     * known for these pages: the streams app publishes a chunk only when it changed, so the caller
     * passes the last state it kept; null is for pages it never saw). The same as
     * {@link #decay} and then {@link #addAccessed}.
     */
    public void update(HeatTable table, byte[] states, byte[] scores, int from, int length) {
        decay(scores, from, length);
        if (states != null) {
            addAccessed(table, states, 0, scores, from, length);
        }
    }

    /** The first half of a period for {@code length} pages: every score cools by one period. */
    public void decay(byte[] scores, int from, int length) {
        int end = from + length;
        int i = from;
        for (; i + 8 <= end; i += 8) {
            if ((long) EIGHT_SCORES.get(scores, i) == 0) {
                continue; // eight idle pages: 0 stays 0 (most of a guest is idle)
            }
            for (int k = i; k < i + 8; k++) {
                scores[k] = decayed[scores[k] & 0xff];
            }
        }
        for (; i < end; i++) {
            scores[i] = decayed[scores[i] & 0xff];
        }
    }

    /**
     * The second half, for pages whose state is known (after {@link #decay}, once per period):
     * pages whose state {@code states[statesFrom + i]} says accessed gain, capped at 255.
     */
    public void addAccessed(HeatTable table, byte[] states, int statesFrom, byte[] scores, int from, int length) {
        if (statesFrom < 0 || statesFrom + length > states.length) {
            throw new IllegalArgumentException("states has " + states.length + " pages, " + statesFrom + "+" + length + " wanted");
        }
        // Branch-free, a gain per state value (0 for idle states and invalid ones): accessed and idle pages mix.
        boolean[] accessed = accessedStates(table);
        int[] gainOf = new int[256];
        for (int s = 0; s < accessed.length; s++) {
            gainOf[s] = accessed[s] ? gain : 0;
        }
        for (int i = 0; i < length; i++) {
            scores[from + i] = (byte) Math.min(MAX, (scores[from + i] & 0xff) + gainOf[states[statesFrom + i] & 0xff]);
        }
    }
}
