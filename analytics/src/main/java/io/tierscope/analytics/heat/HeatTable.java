package io.tierscope.analytics.heat;

import java.util.Arrays;

/**
 * A per-page heat classifier as a transition table: {@code next[(state << 1) | bit]} is the state
 * after one scan period in which the page's A (or D) bit was {@code bit}. Tables are immutable and
 * shared; {@link ChunkHeat} applies them to whole bitmaps.
 *
 * <p>Hot and cold classes (used for heat-change events and counts) are chosen so that there is a
 * band of "test" states between them: a page has to show sustained activity to become hot and
 * sustained idleness to become cold, so one odd scan does not make pages flap between tiers.
 * <ul>
 *   <li>FSM tables: hot = {warm, sizzle}, cold = {frigid}. A page accessed in every period is
 *       hot after 2 periods and sizzles after 3; a sizzling page that misses one period stays hot
 *       (warm), a second miss drops it out of hot (frigid-test), a third makes it cold.</li>
 *   <li>History tables: hot = at least {@code hotMinOnes} of the last k periods accessed,
 *       cold = none of the last k periods accessed.</li>
 * </ul>
 */
public final class HeatTable {
    /** Event codes of {@link #event(int)}. */
    static final byte NO_EVENT = 0;
    static final byte BECAME_HOT = 1;
    static final byte BECAME_COLD = 2;

    private static final HeatTable FSM5 = fsm(false);
    private static final HeatTable FSM5_CONSERVATIVE = fsm(true);

    private final String name;
    private final int stateCount;
    private final byte[] next;
    private final byte[] event;
    private final boolean[] hot;
    private final boolean[] cold;
    private final int[] rank;
    private final byte idleState;
    private final int idleDepth;
    private final int busyState;
    private final Kernel kernel;

    /** How {@link ChunkHeat} evaluates the table: per-page lookups, or 8 pages at once. */
    enum Kernel {
        LOOKUP,
        FSM5_SWAR,
        FSM5_CONSERVATIVE_SWAR
    }

    private HeatTable(String name, byte[] next, boolean[] hot, boolean[] cold, int[] rank, Kernel kernel) {
        this.name = name;
        this.kernel = kernel;
        this.stateCount = hot.length;
        this.next = next;
        this.hot = hot;
        this.cold = cold;
        this.rank = rank;
        this.event = new byte[next.length];
        for (int i = 0; i < next.length; i++) {
            int from = i >>> 1;
            int to = next[i] & 0xFF;
            if (cold[to] && !cold[from]) {
                event[i] = BECAME_COLD;
            } else if (hot[to] && !hot[from]) {
                event[i] = BECAME_HOT;
            }
        }
        int idle = -1;
        for (int s = 0; s < stateCount; s++) {
            if ((next[s << 1] & 0xFF) == s) {
                idle = s;
            }
        }
        if (idle < 0) {
            throw new IllegalStateException(name + ": no state is stable under idle periods");
        }
        this.idleState = (byte) idle;
        int busy = -1;
        for (int s = 0; s < stateCount; s++) {
            if ((next[(s << 1) | 1] & 0xFF) == s) {
                busy = s;
            }
        }
        this.busyState = busy;
        // Longest run of idle periods any state needs to reach the idle state: bounds gap handling.
        int depth = 0;
        for (int s = 0; s < stateCount; s++) {
            int steps = 0;
            for (int st = s; st != idle; st = next[st << 1] & 0xFF) {
                if (++steps > stateCount) {
                    throw new IllegalStateException(name + ": state " + s + " never settles when idle");
                }
            }
            depth = Math.max(depth, steps);
        }
        this.idleDepth = depth;
    }

    /**
     * The standard 5-state FSM of US 9,063,866 B1: frigid -1-> warm-test -1-> warm -1-> sizzle;
     * warm-test -0-> frigid-test; warm -0-> frigid-test; frigid-test -1-> sizzle;
     * frigid-test -0-> frigid; sizzle -0-> warm; sizzle -1-> sizzle; frigid -0-> frigid.
     */
    public static HeatTable fsm5() {
        return FSM5;
    }

    /**
     * The patent's conservative variant: a page in frigid-test that is accessed again goes back to
     * warm-test instead of jumping to sizzle, so a cold page needs three accesses in a row to sizzle.
     */
    public static HeatTable fsm5Conservative() {
        return FSM5_CONSERVATIVE;
    }

    private static HeatTable fsm(boolean conservative) {
        byte[] next = new byte[HeatState.COUNT * 2];
        set(next, HeatState.FRIGID, HeatState.FRIGID, HeatState.WARM_TEST);
        set(next, HeatState.FRIGID_TEST, HeatState.FRIGID, conservative ? HeatState.WARM_TEST : HeatState.SIZZLE);
        set(next, HeatState.WARM_TEST, HeatState.FRIGID_TEST, HeatState.WARM);
        set(next, HeatState.WARM, HeatState.FRIGID_TEST, HeatState.SIZZLE);
        set(next, HeatState.SIZZLE, HeatState.WARM, HeatState.SIZZLE);
        boolean[] hot = {false, false, false, true, true};
        boolean[] cold = {true, false, false, false, false};
        int[] rank = {0, 1, 2, 3, 4};
        return new HeatTable(conservative ? "fsm5-conservative" : "fsm5", next, hot, cold, rank,
                conservative ? Kernel.FSM5_CONSERVATIVE_SWAR : Kernel.FSM5_SWAR);
    }

    private static void set(byte[] next, byte state, byte onIdle, byte onAccess) {
        next[state << 1] = onIdle;
        next[(state << 1) | 1] = onAccess;
    }

    /**
     * The patent's k-bit access-history variant: the state is the page's last k scan bits, newest
     * in the top bit (so the numeric state ranks pages by recency-weighted activity). Hot when at
     * least {@code hotMinOnes} of the last k periods saw an access; cold when none did.
     *
     * @param k          history length, 1..8 (one byte per page)
     * @param hotMinOnes accessed periods (1..k) among the last k that make a page hot
     */
    public static HeatTable history(int k, int hotMinOnes) {
        if (k < 1 || k > 8) {
            throw new IllegalArgumentException("history length k must be 1..8, got " + k);
        }
        if (hotMinOnes < 1 || hotMinOnes > k) {
            throw new IllegalArgumentException("hotMinOnes must be 1.." + k + " for k=" + k + ", got " + hotMinOnes);
        }
        int states = 1 << k;
        byte[] next = new byte[states * 2];
        boolean[] hot = new boolean[states];
        boolean[] cold = new boolean[states];
        int[] rank = new int[states];
        for (int s = 0; s < states; s++) {
            next[s << 1] = (byte) (s >>> 1);
            next[(s << 1) | 1] = (byte) ((s >>> 1) | (1 << (k - 1)));
            hot[s] = Integer.bitCount(s) >= hotMinOnes;
            cold[s] = s == 0;
            rank[s] = s;
        }
        return new HeatTable("history-k" + k + "-hot" + hotMinOnes, next, hot, cold, rank, Kernel.LOOKUP);
    }

    /**
     * The table a classifier name stands for: "fsm5", "fsm5-conservative" or "history-k{k}-hot{n}".
     *
     * @throws IllegalArgumentException for any other name
     */
    public static HeatTable byName(String name) {
        if ("fsm5".equals(name)) {
            return fsm5();
        }
        if ("fsm5-conservative".equals(name)) {
            return fsm5Conservative();
        }
        if (name != null && name.matches("history-k[1-8]-hot[1-8]")) {
            int hotAt = name.indexOf("-hot");
            return history(Integer.parseInt(name.substring(9, hotAt)), Integer.parseInt(name.substring(hotAt + 4)));
        }
        throw new IllegalArgumentException("unknown heat classifier '" + name
                + "' (expected fsm5, fsm5-conservative or history-k<1..8>-hot<n>)");
    }

    /** Classifier name as written to {@code PageHeatChunk.classifier}. */
    public String name() {
        return name;
    }

    public int stateCount() {
        return stateCount;
    }

    /** State after one period with the given bit (0 or 1). */
    public int next(int state, int bit) {
        return next[(state << 1) | bit] & 0xFF;
    }

    public boolean isHot(int state) {
        return hot[state];
    }

    public boolean isCold(int state) {
        return cold[state];
    }

    /** Heat rank, 0 = coldest; orders pages for coldest-first and hottest-first lists. */
    public int rank(int state) {
        return rank[state];
    }

    /** Largest rank + 1. */
    public int rankCount() {
        return Arrays.stream(rank).max().orElse(0) + 1;
    }

    /** The state new pages start in and idle pages settle in (frigid; empty history). */
    public byte idleState() {
        return idleState;
    }

    /** Idle periods after which every page is in {@link #idleState()} (3 for the FSMs, k for history). */
    public int idleDepth() {
        return idleDepth;
    }

    /** The state pages accessed every period settle in (sizzle; full history), or -1 if none. */
    public int busyState() {
        return busyState;
    }

    /** Shared arrays for the hot loop in {@link ChunkHeat}; never modified. */
    byte[] nextArray() {
        return next;
    }

    byte[] eventArray() {
        return event;
    }

    Kernel kernel() {
        return kernel;
    }

    @Override
    public String toString() {
        return name;
    }
}
