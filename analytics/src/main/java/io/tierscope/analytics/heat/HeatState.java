package io.tierscope.analytics.heat;

/**
 * State codes of the 5-state page-activity FSM of US 9,063,866 B1, as stored one byte per page
 * in {@code PageHeatChunk.accessStates/writeStates}. The codes are ordered coldest to hottest,
 * so a code is also its heat rank.
 */
public final class HeatState {
    public static final byte FRIGID = 0;
    public static final byte FRIGID_TEST = 1;
    public static final byte WARM_TEST = 2;
    public static final byte WARM = 3;
    public static final byte SIZZLE = 4;
    public static final int COUNT = 5;

    private static final String[] NAMES = {"frigid", "frigid-test", "warm-test", "warm", "sizzle"};

    private HeatState() {
    }

    /** The name used in summaries ({@code HeatSummary.pagesPerState}). */
    public static String name(int state) {
        if (state < 0 || state >= COUNT) {
            throw new IllegalArgumentException("no FSM heat state " + state + " (codes are 0..4)");
        }
        return NAMES[state];
    }
}
