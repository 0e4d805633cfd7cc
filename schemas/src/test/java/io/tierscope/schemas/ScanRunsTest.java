package io.tierscope.schemas;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ScanRunsTest {

    private static byte[] bitmap(int pageCount, int... pages) {
        byte[] b = new byte[SampleCodec.bitmapBytes(pageCount)];
        for (int p : pages) {
            b[p >>> 3] |= (byte) (1 << (p & 7));
        }
        return b;
    }

    @Test
    void sparseAndClusteredBitsRoundTripAndAreSmallerThanTheBitmap() {
        SplittableRandom r = new SplittableRandom(7);
        for (int round = 0; round < 2_000; round++) {
            int pages = 1 + r.nextInt(40_000);
            byte[] bits = new byte[SampleCodec.bitmapBytes(pages)];
            int set = r.nextInt(1 + pages / 50);
            for (int i = 0; i < set; i++) {
                int from = r.nextInt(pages);
                int len = r.nextBoolean() ? 1 : 1 + r.nextInt(300);
                for (int p = from; p < Math.min(pages, from + len); p++) {
                    bits[p >>> 3] |= (byte) (1 << (p & 7));
                }
            }
            byte[] runs = ScanRuns.encodeIfSmaller(bits, pages);
            if (runs != null) {
                assertTrue(runs.length < bits.length);
                assertArrayEquals(bits, ScanRuns.decode(runs, pages), "round " + round + ", " + pages + " pages");
            }
        }
    }

    @Test
    void edgesEmptyFullAndTheLastPage() {
        assertArrayEquals(new byte[0], ScanRuns.encodeIfSmaller(new byte[4096], 32_768), "no bits: no runs");
        assertArrayEquals(new byte[4096], ScanRuns.decode(new byte[0], 32_768));
        byte[] full = new byte[4096];
        java.util.Arrays.fill(full, (byte) 0xFF);
        byte[] runs = ScanRuns.encodeIfSmaller(full, 32_768);
        assertArrayEquals(new byte[] {0, (byte) 0x80, (byte) 0x80, 2}, runs, "one run of 32768 set bits");
        assertArrayEquals(full, ScanRuns.decode(runs, 32_768));
        byte[] last = bitmap(61, 0, 60);
        byte[] lastRuns = ScanRuns.encodeIfSmaller(last, 61);
        assertNotNull(lastRuns);
        assertArrayEquals(last, ScanRuns.decode(lastRuns, 61));
    }

    @Test
    void randomDenseBitsStayABitmap() {
        SplittableRandom r = new SplittableRandom(3);
        byte[] bits = new byte[4096];
        for (int i = 0; i < bits.length; i++) {
            bits[i] = (byte) r.nextInt(256);
        }
        assertNull(ScanRuns.encodeIfSmaller(bits, 32_768));
    }

    @Test
    void malformedRunsAreRefusedNotGuessed() {
        assertThrows(IllegalArgumentException.class, () -> ScanRuns.decode(new byte[] {3}, 64), "a gap without its run");
        assertThrows(IllegalArgumentException.class, () -> ScanRuns.decode(new byte[] {3, 0}, 64), "an empty run");
        assertThrows(IllegalArgumentException.class, () -> ScanRuns.decode(new byte[] {60, 5}, 64), "past the chunk");
        assertThrows(IllegalArgumentException.class, () -> ScanRuns.decode(new byte[] {(byte) 0x80}, 64), "truncated varint");
        assertThrows(IllegalArgumentException.class, () -> ScanRuns.decode(new byte[] {(byte) 0xFF, (byte) 0xFF,
                (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 1, 1}, 64), "a varint longer than an int");
    }
}
