package io.tierscope.analytics.tiering.placement;

import io.tierscope.analytics.heat.HeatTable;
import io.tierscope.analytics.heat.SampledCounts;

/**
 * How pages are ranked from what the heat topic says, in one place for the planner and the
 * simulator's {@code tierscope-fsm} row: a page's score is its long memory ({@link HeatMemoryScore},
 * 0..255) plus its current heat state's rank as a fraction below 1 (among equal long memories the
 * page hotter now goes first; hysteresis gaps of 1 and more still compare the long memories), and its
 * guard comes from the state ({@link PageGuard#fromHeat}). One table lookup per page.
 *
 * <p>When the heat record carries sampled access counts ({@link SampledCounts}, sample-driven heat), a
 * page's score is its count in samples instead ({@link #rankCounts}), still guarded by its state, and
 * the hysteresis is {@link #countPlanner}'s.
 */
public final class HeatRanking {
    /**
     * Counts: a swap needs this many standard deviations of the counts' Poisson noise: chosen in the simulator on
     * seed 1 among 0, 1 and 2 (with half-lives 4, 8, 16, 32; docs/tiering.md, "Sampled access counts").
     */
    public static final double DEFAULT_COUNT_NOISE_SIGMAS = 2;
    /**
     * Counts: ... and a difference of this many times the mean count of the host's pages (the average page's
     * sampled accesses per period, as a count): a gap that follows the sampling density. 1 keeps the gap of
     * 0.15 sampled accesses per period chosen at the simulator table's density (0.153 samples per page and
     * period); at other densities a fixed gap blocked every swap near the cut (docs/tiering.md, "At every size").
     */
    public static final double DEFAULT_COUNT_GAP_MEAN_COUNTS = 1;

    /** Per state: its heat rank as a fraction below 1, and its guard (read by {@link PeriodPass}'s fused loop too). */
    final float[] rankPart;
    final byte[] guardOf;

    public HeatRanking(HeatTable table) {
        int n = table.stateCount();
        rankPart = new float[n];
        byte[] states = new byte[n];
        float rankScale = 1f / table.rankCount();
        for (int s = 0; s < n; s++) {
            rankPart[s] = table.rank(s) * rankScale;
            states[s] = (byte) s;
        }
        guardOf = new byte[n];
        PageGuard.fromHeat(table, states, guardOf);
    }

    /**
     * For {@code length} pages: {@code scores[to + i] = memory[memoryFrom + i] + rank fraction of states[statesFrom + i]},
     * and {@code guards[to + i]} the state's guard (unless {@code guards} is null).
     */
    public void rank(byte[] memory, int memoryFrom, byte[] states, int statesFrom, float[] scores, byte[] guards, int to,
                     int length) {
        for (int i = 0; i < length; i++) {
            int state = states[statesFrom + i] & 0xff;
            scores[to + i] = (memory[memoryFrom + i] & 0xff) + rankPart[state];
        }
        if (guards != null) {
            for (int i = 0; i < length; i++) {
                guards[to + i] = guardOf[states[statesFrom + i] & 0xff];
            }
        }
    }

    /**
     * For {@code length} pages ranked by sampled counts: {@code scores[to + i] = counts[countsFrom + i]} in
     * samples, and {@code guards[to + i]} the guard of {@code states[statesFrom + i]} (unless {@code guards} is null).
     *
     * @return the sum of the pages' counts, in samples (for the mean count {@link #countPlanner} takes)
     */
    public double rankCounts(char[] counts, int countsFrom, byte[] states, int statesFrom, float[] scores, byte[] guards,
                             int to, int length) {
        long sum = 0;
        for (int i = 0; i < length; i++) {
            int c = counts[countsFrom + i];
            scores[to + i] = SampledCounts.samples(c);
            sum += c;
        }
        if (guards != null) {
            for (int i = 0; i < length; i++) {
                guards[to + i] = guardOf[states[statesFrom + i] & 0xff];
            }
        }
        return sum / (double) SampledCounts.UNIT;
    }

    /** The sum of {@code counts}, in samples (as {@link #rankCounts} returns it, for a caller that ranks them itself). */
    public static double countSum(char[] counts) {
        long sum = 0;
        for (char c : counts) {
            sum += c;
        }
        return sum / (double) SampledCounts.UNIT;
    }

    /**
     * The placement for pages ranked by counts: a slow page replaces a fast one when its count is higher
     * by {@code toleranceRatio}, by {@code gapMeanCounts} times {@code meanCountSamples} (the mean count of the
     * host's pages, in samples: the gap follows the sampling density), and by {@code noiseSigmas} standard
     * deviations of sampling noise ({@link SampledCounts#noiseVariance}). Needs no half-life: the planner
     * does not know the streams app's.
     */
    public static PlacementPlanner countPlanner(double meanCountSamples, double toleranceRatio, double gapMeanCounts,
                                                double noiseSigmas) {
        return new PlacementPlanner(toleranceRatio, gapMeanCounts * Math.max(0, meanCountSamples),
                SampledCounts::noiseVariance, noiseSigmas);
    }
}
