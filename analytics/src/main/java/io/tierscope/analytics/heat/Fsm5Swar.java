package io.tierscope.analytics.heat;

/**
 * The 5-state FSM of US 9,063,866 B1 on 8 pages at once (SWAR): a long holds 8 state bytes, one
 * lane per page, and the transition is evaluated as bit-sliced boolean formulas over the three
 * state bits (s2 s1 s0) and the page's scan bit b, instead of 8 table lookups. Derived from the
 * transition table (codes: frigid 000, frigid-test 001, warm-test 010, warm 011, sizzle 100):
 * <pre>
 *   n2 = b &amp; (s0 | s2)                      conservative: b &amp; ((s0 &amp; s1) | s2)
 *   n1 = !b &amp; s2 | b &amp; !s0 &amp; !s2             conservative: !b &amp; s2 | b &amp; !s2 &amp; !(s0 &amp; s1)
 *   n0 = !b &amp; (s1 | s2) | b &amp; s1 &amp; !s0
 * </pre>
 * Valid only for state codes 0..4, which {@link ChunkHeat} guarantees. Checked against the table
 * for every state and bit by the tests, and against the per-page reference on random scans.
 */
final class Fsm5Swar {
    /** Bit 0 of every lane. */
    static final long LANE_BIT0 = 0x0101010101010101L;

    /** SPREAD[b] has bit i of b in bit 0 of lane i (LSB-first bitmap: bit i is page i). */
    private static final long[] SPREAD = new long[256];

    static {
        for (int b = 0; b < 256; b++) {
            long lanes = 0;
            for (int i = 0; i < 8; i++) {
                lanes |= (long) ((b >>> i) & 1) << (8 * i);
            }
            SPREAD[b] = lanes;
        }
    }

    private Fsm5Swar() {
    }

    static long spread(int bitmapByte) {
        return SPREAD[bitmapByte];
    }

    /** Next states of the 8 pages in {@code lanes}, given their scan bits as {@link #spread} lanes. */
    static long next(long lanes, long b, boolean conservative) {
        long s0 = lanes & LANE_BIT0;
        long s1 = (lanes >>> 1) & LANE_BIT0;
        long s2 = (lanes >>> 2) & LANE_BIT0;
        long nb = b ^ LANE_BIT0;
        long n2;
        long n1;
        if (conservative) {
            long s01 = s0 & s1;
            n2 = b & (s01 | s2);
            n1 = (nb & s2) | (b & ~s2 & ~s01 & LANE_BIT0);
        } else {
            n2 = b & (s0 | s2);
            n1 = (nb & s2) | (b & ~(s0 | s2) & LANE_BIT0);
        }
        long n0 = (nb & (s1 | s2)) | (b & s1 & ~s0);
        return (n2 << 2) | (n1 << 1) | n0;
    }

    /** Bit 0 set in the lanes whose state is hot (warm or sizzle). */
    static long hot(long lanes) {
        long s0 = lanes & LANE_BIT0;
        long s1 = (lanes >>> 1) & LANE_BIT0;
        long s2 = (lanes >>> 2) & LANE_BIT0;
        return s2 | (s1 & s0);
    }

    /** Bit 0 set in the lanes whose state is cold (frigid). */
    static long cold(long lanes) {
        return ~(lanes | (lanes >>> 1) | (lanes >>> 2)) & LANE_BIT0;
    }
}
