package io.tierscope.analytics.heat;

/** Gfns that entered the hot class and the cold class in one scan (see {@link HeatTable}). */
public final class HeatChanges {
    static final HeatChanges NONE = new HeatChanges(new long[0], new long[0]);

    private final long[] becameHot;
    private final long[] becameCold;

    HeatChanges(long[] becameHot, long[] becameCold) {
        this.becameHot = becameHot;
        this.becameCold = becameCold;
    }

    /** Gfns that entered the hot class, ascending within each period. */
    public long[] becameHot() {
        return becameHot.clone();
    }

    /** Gfns that entered the cold class, ascending within each period. */
    public long[] becameCold() {
        return becameCold.clone();
    }

    public int hotCount() {
        return becameHot.length;
    }

    public int coldCount() {
        return becameCold.length;
    }

    public boolean isEmpty() {
        return becameHot.length == 0 && becameCold.length == 0;
    }
}
