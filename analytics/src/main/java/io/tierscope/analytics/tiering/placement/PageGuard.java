package io.tierscope.analytics.tiering.placement;

import io.tierscope.analytics.heat.HeatTable;

/**
 * Per-page guards the heat classes put on the ranking (one byte per page in {@link VmPageState}):
 * a page the FSM calls frigid is never promoted, however its score looks; a page it calls
 * sizzle (accessed every recent period) is never demoted to make room for another page. Only a
 * shrinking allocation demotes sizzle pages, and then only after every other fast page.
 */
public final class PageGuard {
    /** No guard: the score alone decides. */
    public static final byte NONE = 0;
    /** Never promoted (frigid). */
    public static final byte KEEP_SLOW = 1;
    /** Never demoted for a swap, last to go when the allocation shrinks (sizzle). */
    public static final byte KEEP_FAST = 2;

    private PageGuard() {
    }

    /**
     * Guards from FSM states ({@code ChunkHeat.accessStates()}): the table's idle state (frigid,
     * empty history) keeps a page slow, its busy state (sizzle, full history) keeps it fast.
     */
    public static void fromHeat(HeatTable table, byte[] states, byte[] guards) {
        if (guards.length < states.length) {
            throw new IllegalArgumentException("guards has " + guards.length + " pages, states " + states.length);
        }
        int idle = table.idleState();
        int busy = table.busyState();
        for (int i = 0; i < states.length; i++) {
            int s = states[i];
            guards[i] = s == idle ? KEEP_SLOW : s == busy ? KEEP_FAST : NONE;
        }
    }
}
