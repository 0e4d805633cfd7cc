package io.tierscope.streams.heat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.analytics.heat.ChunkHeat;
import io.tierscope.analytics.heat.GapPolicy;
import io.tierscope.analytics.heat.HeatTable;
import org.junit.jupiter.api.Test;

class StoredChunkTest {
    @Test
    void roundTripsStatesAndWindowBookkeeping() {
        StoredChunk chunk = new StoredChunk(new ChunkHeat(HeatTable.fsm5(), GapPolicy.IDLE, 128, 20), 5_000, 0, true);
        byte[] accessed = Scans.bitmap(20, new int[] {1, 19});
        byte[] dirty = Scans.bitmap(20, new int[] {19});
        chunk.heat().apply(3, accessed, dirty);
        chunk.addToWindow(accessed, dirty);
        StoredChunk back = StoredChunk.fromBytes("vm#1", chunk.toBytes(), GapPolicy.IDLE);
        assertEquals(5_000, back.lastScanTimeMs);
        assertEquals(0, back.windowStartMs);
        assertTrue(back.unpublished);
        assertArrayEquals(accessed, back.touched);
        assertArrayEquals(dirty, back.written);
        assertEquals(3, back.heat().lastScanSeq());
        assertEquals(128, back.heat().baseGfn());
        assertArrayEquals(chunk.heat().accessStates(), back.heat().accessStates());
        assertArrayEquals(chunk.heat().writeStates(), back.heat().writeStates());
    }

    @Test
    void sampledCountsRoundTripInFormatTwoAndFollowResizes() {
        StoredChunk chunk = new StoredChunk(new ChunkHeat(HeatTable.fsm5(), GapPolicy.IDLE, 0, 20), 5_000, 0, false);
        assertEquals(1, chunk.toBytes()[0], "without counts (scan-driven heat) the format stays 1");
        chunk.sampledCounts = new char[20];
        chunk.sampledCounts[19] = 48;
        byte[] bytes = chunk.toBytes();
        assertEquals(2, bytes[0]);
        StoredChunk back = StoredChunk.fromBytes("vm#0", bytes, GapPolicy.IDLE);
        assertArrayEquals(chunk.sampledCounts, back.sampledCounts);
        assertArrayEquals(bytes, back.toBytes());
        back.resize(10);
        assertEquals(10, back.sampledCounts.length);
        back.resize(20);
        assertEquals(0, back.sampledCounts[19], "a page that comes back starts at 0");
    }

    @Test
    void shrinkingClearsWindowBitsOfPagesThatAreGone() {
        StoredChunk chunk = new StoredChunk(new ChunkHeat(HeatTable.fsm5(), GapPolicy.IDLE, 0, 16), 0, 0, false);
        chunk.addToWindow(Scans.bitmap(16, new int[] {2, 10}), null);
        chunk.resize(10);
        assertArrayEquals(Scans.bitmap(10, new int[] {2}), chunk.touched);
        chunk.resize(16);
        assertArrayEquals(Scans.bitmap(16, new int[] {2}), chunk.touched, "a page that comes back starts untouched");
        assertTrue(chunk.unpublished);
    }

    @Test
    void unreadableBytesNameTheKey() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> StoredChunk.fromBytes("vm-3#000000000007", new byte[] {1, 0, 0}, GapPolicy.IDLE));
        assertTrue(e.getMessage().startsWith("heat chunk vm-3#000000000007 in the store is unreadable (3 bytes)"), e.getMessage());
    }
}
