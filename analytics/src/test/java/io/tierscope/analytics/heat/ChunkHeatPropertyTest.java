package io.tierscope.analytics.heat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Chunk-at-a-time processing equals a page-at-a-time reference on random scan sequences. */
class ChunkHeatPropertyTest {
    private static final double[] DENSITIES = {0, 0.02, 0.5, 0.98, 1};

    static HeatTable table(int id) {
        switch (id) {
            case 0: return HeatTable.fsm5();
            case 1: return HeatTable.fsm5Conservative();
            case 2: return HeatTable.history(4, 3);
            case 3: return HeatTable.history(8, 5);
            default: return HeatTable.history(1, 1);
        }
    }

    /** Random bitmap whose density varies per scan, so the 8-page skip paths get exercised too. */
    static byte[] randomBitmap(Random rnd, int pages) {
        double density = DENSITIES[rnd.nextInt(DENSITIES.length)];
        byte[] b = new byte[HeatBitmaps.bytesFor(pages)];
        for (int p = 0; p < pages; p++) {
            if (rnd.nextDouble() < density) {
                HeatBitmaps.set(b, p);
            }
        }
        return b;
    }

    /** The obvious per-page implementation: one page, one period at a time. */
    static final class Reference {
        final HeatTable table;
        final int[] states;
        final List<Long> hot = new ArrayList<>();
        final List<Long> cold = new ArrayList<>();
        final long base;

        Reference(HeatTable table, long base, int pages) {
            this.table = table;
            this.base = base;
            this.states = new int[pages];
            java.util.Arrays.fill(states, table.idleState());
        }

        void period(byte[] bitmap) {
            for (int p = 0; p < states.length; p++) {
                int bit = bitmap != null && HeatBitmaps.isSet(bitmap, p) ? 1 : 0;
                int from = states[p];
                int to = table.next(from, bit);
                if (table.isCold(to) && !table.isCold(from)) {
                    cold.add(base + p);
                } else if (table.isHot(to) && !table.isHot(from)) {
                    hot.add(base + p);
                }
                states[p] = to;
            }
        }

        byte[] bytes() {
            byte[] b = new byte[states.length];
            for (int p = 0; p < b.length; p++) {
                b[p] = (byte) states[p];
            }
            return b;
        }

        long[] drain(List<Long> list) {
            long[] out = list.stream().mapToLong(Long::longValue).toArray();
            list.clear();
            return out;
        }
    }

    @Property(tries = 300)
    void chunkEqualsPerPageReference(@ForAll long seed, @ForAll @IntRange(max = 300) int pages,
                                     @ForAll @IntRange(max = 4) int tableId, @ForAll boolean idleGaps) {
        Random rnd = new Random(seed);
        HeatTable table = table(tableId);
        GapPolicy policy = idleGaps ? GapPolicy.IDLE : GapPolicy.IGNORE;
        long base = rnd.nextInt(1 << 20) * 8L;
        ChunkHeat chunk = new ChunkHeat(table, policy, base, pages);
        Reference refA = new Reference(table, base, pages);
        Reference refD = new Reference(table, base, pages);
        long seq = rnd.nextInt(3);
        long last = ChunkHeat.NO_SCAN;
        for (int scan = 0; scan < 12; scan++) {
            byte[] accessed = randomBitmap(rnd, pages);
            byte[] dirty = randomBitmap(rnd, pages);
            long missed = last == ChunkHeat.NO_SCAN ? 0 : seq - last - 1;
            int idle = policy == GapPolicy.IDLE ? (int) Math.min(missed, 50) : 0; // reference: no cap
            for (int i = 0; i < idle; i++) {
                refA.period(null);
                refD.period(null);
            }
            refA.period(accessed);
            refD.period(dirty);
            ScanOutcome out = chunk.apply(seq, accessed, dirty);
            assertEquals(ScanStatus.APPLIED, out.status());
            assertArrayEquals(refA.bytes(), chunk.accessStates(), "A states after scan " + seq);
            assertArrayEquals(refD.bytes(), chunk.writeStates(), "D states after scan " + seq);
            assertArrayEquals(refA.drain(refA.hot), out.accessChanges().becameHot());
            assertArrayEquals(refA.drain(refA.cold), out.accessChanges().becameCold());
            assertArrayEquals(refD.drain(refD.hot), out.writeChanges().becameHot());
            assertArrayEquals(refD.drain(refD.cold), out.writeChanges().becameCold());
            last = seq;
            seq += 1 + (rnd.nextInt(4) == 0 ? rnd.nextInt(12) : 0);
        }
        int[] counts = chunk.stateCounts(HeatBit.ACCESSED);
        for (int s = 0; s < counts.length; s++) {
            int state = s;
            assertEquals(java.util.Arrays.stream(refA.states).filter(x -> x == state).count(), counts[s]);
        }
    }

    @Property(tries = 100)
    void snapshotRoundTripsAnyStates(@ForAll long seed, @ForAll @IntRange(max = 200) int pages,
                                     @ForAll @IntRange(max = 4) int tableId, @ForAll boolean withWrites) {
        Random rnd = new Random(seed);
        HeatTable table = table(tableId);
        byte[] a = new byte[pages];
        byte[] d = withWrites ? new byte[pages] : null;
        for (int p = 0; p < pages; p++) {
            a[p] = (byte) rnd.nextInt(table.stateCount());
            if (d != null) {
                d[p] = (byte) rnd.nextInt(table.stateCount());
            }
        }
        long lastSeq = rnd.nextInt(1000);
        ChunkHeat c = ChunkHeat.fromStates(table, GapPolicy.IDLE, 512, lastSeq, a, d);
        ChunkHeat r = ChunkHeat.restore(c.snapshot(), GapPolicy.IDLE);
        assertEquals(table.name(), r.table().name());
        assertEquals(lastSeq, r.lastScanSeq());
        assertEquals(pages, r.pageCount());
        assertArrayEquals(a, r.accessStates());
        assertArrayEquals(d, r.writeStates());
    }

    /** The stored layout is what it was before the 8-pages-at-a-time packing: stores written by older builds restore. */
    @Property(tries = 100)
    void snapshotKeepsTwoStatesPerByteEvenPageLow(@ForAll long seed, @ForAll @IntRange(max = 200) int pages) {
        Random rnd = new Random(seed);
        HeatTable table = HeatTable.fsm5();
        byte[] a = new byte[pages];
        for (int p = 0; p < pages; p++) {
            a[p] = (byte) rnd.nextInt(table.stateCount());
        }
        byte[] snap = ChunkHeat.fromStates(table, GapPolicy.IDLE, 0, 3, a, null).snapshot();
        byte[] packed = java.util.Arrays.copyOfRange(snap, snap.length - (pages + 1) / 2, snap.length);
        for (int j = 0; j < packed.length; j++) {
            int high = 2 * j + 1 < pages ? a[2 * j + 1] << 4 : 0;
            assertEquals((byte) (a[2 * j] | high), packed[j], "byte " + j);
        }
    }

    @Property(tries = 100)
    void restoreRefusesAStateTheClassifierLacksWhereverItIs(@ForAll long seed, @ForAll @IntRange(min = 1, max = 200) int pages) {
        Random rnd = new Random(seed);
        HeatTable table = HeatTable.fsm5();
        byte[] snap = ChunkHeat.fromStates(table, GapPolicy.IDLE, 0, 3, new byte[pages], null).snapshot();
        int page = rnd.nextInt(pages);
        int at = snap.length - (pages + 1) / 2 + page / 2;
        int bad = table.stateCount() + rnd.nextInt(16 - table.stateCount());
        snap[at] |= (byte) (page % 2 == 0 ? bad : bad << 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChunkHeat.restore(snap, GapPolicy.IDLE));
        assertTrue(e.getMessage().contains("accessStates[" + page + "] = " + bad), e.getMessage());
    }
}
