package io.tierscope.analytics.heat;

import static io.tierscope.analytics.heat.ChunkHeatTest.bits;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SampledPeriodTest {
    @Test
    void samplesBecomeAccessedAndDirtyBitmapsPerChunk() {
        SampledPeriod period = new SampledPeriod(16, 40); // chunks of 16, 16, 8 pages
        period.addAll(new long[] {1, 3, 17, 39, 3}, new byte[] {1, 2, 4, 3, 1}, 5);
        assertEquals(3, period.chunkCount());
        assertEquals(8, period.pagesIn(2));
        assertEquals(32, period.baseGfn(2));
        assertArrayEquals(bits(16, 1, 3), period.accessed(0));
        assertArrayEquals(bits(16, 3), period.dirty(0));
        assertArrayEquals(bits(16, 1), period.accessed(1));
        assertArrayEquals(bits(16), period.dirty(1), "execute is no write");
        assertArrayEquals(bits(8, 7), period.accessed(2));
        assertArrayEquals(bits(8, 7), period.dirty(2));
        assertEquals(5, period.sampleCount());
    }

    @Test
    void unsampledChunksGetIdleBitmapsOfTheirSize() {
        SampledPeriod period = new SampledPeriod(16, 40);
        period.addPacked(new long[] {(5L << 3) | 1}, 1);
        assertTrue(period.sampled(0));
        assertFalse(period.sampled(2));
        assertArrayEquals(new byte[1], period.accessed(2));
        assertArrayEquals(bits(16, 5), period.accessed(0));
    }

    @Test
    void aPeriodsBitmapsDriveTheFsmLikeAScan() {
        ChunkHeat chunk = new ChunkHeat(HeatTable.fsm5(), GapPolicy.IDLE, 16, 16);
        for (int seq = 0; seq < 3; seq++) {
            SampledPeriod period = new SampledPeriod(16, 32);
            period.add(20, 2);
            chunk.apply(seq, period.accessed(1), period.dirty(1));
        }
        assertEquals(HeatState.SIZZLE, chunk.state(HeatBit.ACCESSED, 4));
        assertEquals(HeatState.SIZZLE, chunk.state(HeatBit.DIRTY, 4));
        assertEquals(15, chunk.coldPages(HeatBit.ACCESSED));
    }

    @Test
    void rejectsSamplesOutsideTheVmNamingTheSample() {
        SampledPeriod period = new SampledPeriod(16, 40);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> period.addAll(new long[] {1, 40}, new byte[] {1, 1}, 2));
        assertEquals("sample 1: sample gfn 40 (xwr 1) is outside the VM's 40 pages", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> period.addPacked(new long[1], 2));
        assertThrows(IllegalArgumentException.class, () -> new SampledPeriod(0, 10));
    }
}
