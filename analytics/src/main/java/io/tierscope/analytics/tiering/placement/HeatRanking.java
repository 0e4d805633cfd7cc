package io.tierscope.analytics.tiering.placement;

import io.tierscope.analytics.heat.HeatTable;

/**
 * How pages are ranked from what the heat topic says, in one place for the planner and the
 * simulator's {@code tierscope-fsm} row: a page's score is its long memory ({@link HeatMemoryScore},
 * 0..255) plus its current heat state's rank as a fraction below 1 (among equal long memories the
 * page hotter now goes first; hysteresis gaps of 1 and more still compare the long memories), and its
 * guard comes from the state ({@link PageGuard#fromHeat}). One table lookup per page.
 */
public final class HeatRanking {
    private final float[] rankPart;
    private final byte[] guardOf;

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
}
