package io.tierscope.analytics.heat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ChunkHeatTest {
    private static final long BASE = 1000;

    /** Bitmap of {@code pages} pages with the listed pages set. */
    static byte[] bits(int pages, int... set) {
        byte[] b = new byte[HeatBitmaps.bytesFor(pages)];
        for (int p : set) {
            HeatBitmaps.set(b, p);
        }
        return b;
    }

    private static ChunkHeat chunk(int pages, GapPolicy policy) {
        return new ChunkHeat(HeatTable.fsm5(), policy, BASE, pages);
    }

    @Test
    void appliesScansAndReportsPagesEnteringHotAndCold() {
        ChunkHeat c = chunk(20, GapPolicy.IDLE);
        assertEquals(20, c.stateCounts(HeatBit.ACCESSED)[HeatState.FRIGID]);
        ScanOutcome first = c.apply(1, bits(20, 3, 17), null);
        assertEquals(ScanStatus.APPLIED, first.status());
        assertTrue(first.accessChanges().isEmpty(), "warm-test is neither hot nor cold");
        ScanOutcome second = c.apply(2, bits(20, 3, 17), null);
        assertArrayEquals(new long[] {BASE + 3, BASE + 17}, second.accessChanges().becameHot());
        c.apply(3, bits(20, 3), null);
        assertEquals(HeatState.SIZZLE, c.state(HeatBit.ACCESSED, 3));
        assertEquals(HeatState.FRIGID_TEST, c.state(HeatBit.ACCESSED, 17));
        ScanOutcome fourth = c.apply(4, bits(20, 3), null);
        assertArrayEquals(new long[] {BASE + 17}, fourth.accessChanges().becameCold());
        assertEquals(1, c.hotPages(HeatBit.ACCESSED));
        assertEquals(19, c.coldPages(HeatBit.ACCESSED));
        assertEquals(4, c.lastScanSeq());
    }

    @Test
    void duplicateAndStaleScansChangeNothing() {
        ChunkHeat c = chunk(16, GapPolicy.IDLE);
        c.apply(5, bits(16, 1), null);
        byte[] before = c.accessStates();
        assertEquals(ScanStatus.DUPLICATE, c.apply(5, bits(16, 1), null).status());
        assertEquals(ScanStatus.STALE, c.apply(4, bits(16, 1, 2), null).status());
        assertFalse(c.apply(3, bits(16, 2), null).applied());
        assertArrayEquals(before, c.accessStates());
        assertEquals(5, c.lastScanSeq());
    }

    @Test
    void aGapTheCallerMeasuredReplacesTheSequenceGapAndDuplicatesStayDuplicates() {
        ChunkHeat c = chunk(16, GapPolicy.IDLE);
        c.apply(10, bits(16, 1), null);
        c.apply(11, bits(16, 1), null);
        assertEquals(HeatState.WARM, c.state(HeatBit.ACCESSED, 1));
        // A sequence far ahead (another collector run) that the caller knows follows on directly.
        ScanOutcome next = c.apply(1_000_000, 0, bits(16, 1), null);
        assertEquals(0, next.missedPeriods());
        assertEquals(HeatState.SIZZLE, c.state(HeatBit.ACCESSED, 1), "no idle steps: still heating up");
        ScanOutcome afterTwoLost = c.apply(2_000_000, 2, bits(16), null);
        assertEquals(2, afterTwoLost.missedPeriods());
        assertEquals(HeatState.FRIGID, c.state(HeatBit.ACCESSED, 1), "sizzle, two idle steps (warm, frigid-test), an idle scan");
        assertEquals(ScanStatus.DUPLICATE, c.apply(2_000_000, 0, bits(16, 1), null).status());
        assertEquals(ScanStatus.STALE, c.apply(11, 0, bits(16, 1), null).status());
        assertThrows(IllegalArgumentException.class, () -> c.apply(3_000_000, -1, bits(16, 1), null));
    }

    @Test
    void redeliveringAWholeScanSequenceGivesTheSameStatesAsOneDelivery() {
        ChunkHeat once = chunk(40, GapPolicy.IDLE);
        ChunkHeat twice = chunk(40, GapPolicy.IDLE);
        byte[][] scans = {bits(40, 1, 2, 39), bits(40, 2, 39), bits(40, 39, 5), bits(40, 5)};
        for (int i = 0; i < scans.length; i++) {
            once.apply(i, scans[i], null);
            twice.apply(i, scans[i], null);
            twice.apply(i, scans[i], null);
            if (i > 0) {
                twice.apply(i - 1, scans[i - 1], null);
            }
        }
        assertArrayEquals(once.accessStates(), twice.accessStates());
    }

    @Test
    void idleGapPolicyCountsMissedPeriodsAsIdleUpToTheTableDepth() {
        ChunkHeat c = chunk(8, GapPolicy.IDLE);
        for (int s = 0; s < 3; s++) {
            c.apply(s, bits(8, 0, 1), null);
        }
        // One missed period: sizzle -0-> warm, then the access brings it back; no hot/cold events.
        ScanOutcome oneGap = c.apply(4, bits(8, 0), null);
        assertEquals(1, oneGap.missedPeriods());
        assertEquals(1, oneGap.idlePeriodsApplied());
        assertEquals(HeatState.SIZZLE, c.state(HeatBit.ACCESSED, 0));
        assertEquals(HeatState.FRIGID_TEST, c.state(HeatBit.ACCESSED, 1)); // sizzle -0-> warm -0-> frigid-test
        assertTrue(oneGap.accessChanges().isEmpty(), "leaving hot is no event; page 1 is not cold yet");
        // A long outage costs 3 idle steps, after which the page is frigid and the scan applies.
        ScanOutcome longGap = c.apply(1_000_004, bits(8), null);
        assertEquals(999_999, longGap.missedPeriods());
        assertEquals(3, longGap.idlePeriodsApplied());
        assertEquals(HeatState.FRIGID, c.state(HeatBit.ACCESSED, 0));
        // Page 1 went cold in the first idle step, page 0 in the third: ascending within a period.
        assertArrayEquals(new long[] {BASE + 1, BASE}, longGap.accessChanges().becameCold());
    }

    @Test
    void ignoreGapPolicyAppliesTheScanAsTheNextPeriod() {
        ChunkHeat c = chunk(8, GapPolicy.IGNORE);
        c.apply(0, bits(8, 0), null);
        ScanOutcome o = c.apply(10, bits(8, 0), null);
        assertEquals(9, o.missedPeriods());
        assertEquals(0, o.idlePeriodsApplied());
        assertEquals(HeatState.WARM, c.state(HeatBit.ACCESSED, 0));
    }

    @Test
    void writeHeatIsSeparateAndStartsWithTheFirstDirtyBitmap() {
        ChunkHeat c = chunk(10, GapPolicy.IDLE);
        c.apply(0, bits(10, 1, 2), null);
        assertFalse(c.hasWriteStates());
        assertNull(c.writeStates());
        assertEquals(10, c.stateCounts(HeatBit.DIRTY)[HeatState.FRIGID]);
        ScanOutcome firstDirty = c.apply(1, bits(10, 1, 2), bits(10, 2));
        assertArrayEquals(new long[] {BASE + 1, BASE + 2}, firstDirty.accessChanges().becameHot());
        assertTrue(firstDirty.writeChanges().isEmpty());
        ScanOutcome o = c.apply(2, bits(10, 1, 2), bits(10, 2));
        assertArrayEquals(new long[] {BASE + 2}, o.writeChanges().becameHot());
        assertTrue(o.accessChanges().isEmpty());
        assertEquals(HeatState.SIZZLE, c.state(HeatBit.ACCESSED, 1));
        assertEquals(HeatState.FRIGID, c.state(HeatBit.DIRTY, 1));
        assertEquals(HeatState.WARM, c.state(HeatBit.DIRTY, 2));
        // A scan without D bits leaves write states alone.
        c.apply(3, bits(10), null);
        assertEquals(HeatState.WARM, c.state(HeatBit.DIRTY, 2));
        assertEquals(HeatState.WARM, c.state(HeatBit.ACCESSED, 2));
    }

    @Test
    void resizeKeepsExistingPagesAndStartsNewOnesFrigid() {
        ChunkHeat c = chunk(10, GapPolicy.IDLE);
        c.apply(0, bits(10, 9), bits(10, 9));
        c.apply(1, bits(10, 9), bits(10, 9));
        c.resize(20);
        assertEquals(20, c.pageCount());
        assertEquals(HeatState.WARM, c.state(HeatBit.ACCESSED, 9));
        assertEquals(HeatState.FRIGID, c.state(HeatBit.ACCESSED, 19));
        assertEquals(20, c.writeStates().length);
        InvalidBitmapException stillOld = assertThrows(InvalidBitmapException.class, () -> c.apply(2, bits(10), null));
        assertTrue(stillOld.getMessage().contains("pageCount 20"), stillOld.getMessage());
        assertEquals(ScanStatus.DUPLICATE, c.apply(1, bits(10, 9), null).status(), "late copy of a pre-resize scan");
        c.apply(2, bits(20, 19), null);
        assertEquals(HeatState.WARM_TEST, c.state(HeatBit.ACCESSED, 19));
        c.resize(5);
        assertEquals(5, c.accessStates().length);
        assertThrows(IndexOutOfBoundsException.class, () -> c.state(HeatBit.ACCESSED, 9));
        // A history table's idle state is 0 too, but growth must use the table's idle state.
        ChunkHeat h = new ChunkHeat(HeatTable.history(3, 2), GapPolicy.IDLE, 0, 4);
        h.resize(9);
        assertEquals(9, h.stateCounts(HeatBit.ACCESSED)[0]);
    }

    @Test
    void badBitmapsAreRejectedWithWhatWhereAndNumbers() {
        ChunkHeat c = chunk(12, GapPolicy.IDLE);
        InvalidBitmapException shortMap = assertThrows(InvalidBitmapException.class, () -> c.apply(0, new byte[1], null));
        assertEquals("accessed bitmap of chunk at gfn 1000 (scan 0) has 1 bytes but pageCount 12 needs ceil(12/8) = 2",
                shortMap.getMessage());
        InvalidBitmapException padding = assertThrows(InvalidBitmapException.class,
                () -> c.apply(0, new byte[] {0, (byte) 0x20}, null));
        assertEquals("accessed bitmap of chunk at gfn 1000 (scan 0) sets bit 13 beyond its pageCount 12 (last byte 0x20)",
                padding.getMessage());
        InvalidBitmapException dirty = assertThrows(InvalidBitmapException.class,
                () -> c.apply(0, new byte[2], new byte[3]));
        assertTrue(dirty.getMessage().startsWith("dirty bitmap"), dirty.getMessage());
        assertThrows(InvalidBitmapException.class, () -> c.apply(0, null, null));
        assertEquals(ChunkHeat.NO_SCAN, c.lastScanSeq(), "a rejected scan changes nothing");
        assertThrows(IllegalArgumentException.class, () -> c.apply(-1, new byte[2], null));
    }

    @Test
    void snapshotIsCompactAndRestoresEverything() {
        ChunkHeat c = new ChunkHeat(HeatTable.fsm5Conservative(), GapPolicy.IDLE, 4096, 4097);
        c.apply(7, bits(4097, 0, 4096, 100), bits(4097, 100));
        c.apply(8, bits(4097, 0, 4096), bits(4097, 100));
        byte[] snap = c.snapshot();
        assertTrue(snap.length < 2 * (4097 / 2 + 1) + 64, "two pages per byte: " + snap.length);
        ChunkHeat r = ChunkHeat.restore(snap, GapPolicy.IDLE);
        assertEquals("fsm5-conservative", r.table().name());
        assertEquals(4096, r.baseGfn());
        assertEquals(8, r.lastScanSeq());
        assertArrayEquals(c.accessStates(), r.accessStates());
        assertArrayEquals(c.writeStates(), r.writeStates());
        IllegalArgumentException truncated = assertThrows(IllegalArgumentException.class,
                () -> ChunkHeat.restore(java.util.Arrays.copyOf(snap, snap.length - 1), GapPolicy.IDLE));
        assertTrue(truncated.getMessage().contains("truncated"), truncated.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ChunkHeat.restore(new byte[] {9}, GapPolicy.IDLE));
    }

    @Test
    void fromStatesRebuildsFromThePublishedChunkAndChecksCodes() {
        byte[] states = {0, 4, 3, 1};
        ChunkHeat c = ChunkHeat.fromStates(HeatTable.fsm5(), GapPolicy.IDLE, 64, 12, states, null);
        assertEquals(12, c.lastScanSeq());
        assertEquals(ScanStatus.DUPLICATE, c.apply(12, bits(4), null).status());
        c.apply(13, bits(4, 1), null);
        assertArrayEquals(new byte[] {0, 4, 1, 0}, c.accessStates());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> ChunkHeat.fromStates(HeatTable.fsm5(), GapPolicy.IDLE, 0, 1, new byte[] {0, 5}, null));
        assertEquals("accessStates[1] = 5 is not a state of classifier fsm5 (0..4)", bad.getMessage());
    }
}
