package io.tierscope.analytics.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SpatialHashTest {

    @Test
    void definitionIsStable() {
        // Pinned values: collectors and persisted thresholds depend on this exact function.
        assertEquals(0xcbf29ce484222325L, SpatialHash.vmKey(""));
        assertEquals(0xaf63dc4c8601ec8cL, SpatialHash.vmKey("a")); // FNV-1a test vector
        long h = SpatialHash.hash(SpatialHash.vmKey("vm-1"), 12345);
        assertEquals(SpatialHash.fmix64(12345 ^ SpatialHash.fmix64(SpatialHash.vmKey("vm-1") ^ 0x9E3779B97F4A7C15L)) >>> 8, h);
        assertTrue(h >= 0 && h < SpatialHash.ALL);
    }

    @Test
    void rateIsRespectedAndNested() {
        long key = SpatialHash.vmKey("vm-x");
        long t1 = SpatialHash.thresholdForRate(0.01);
        long t2 = SpatialHash.thresholdForRate(0.1);
        int in1 = 0;
        int in2 = 0;
        for (long p = 0; p < 1_000_000; p++) {
            long h = SpatialHash.hash(key, p);
            boolean a = h < t1;
            boolean b = h < t2;
            in1 += a ? 1 : 0;
            in2 += b ? 1 : 0;
            assertTrue(!a || b, "a page sampled at a lower rate is sampled at every higher rate");
        }
        assertEquals(10_000, in1, 400);
        assertEquals(100_000, in2, 1200);
        assertEquals(0.01, SpatialHash.rate(t1), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> SpatialHash.thresholdForRate(0));
        assertThrows(IllegalArgumentException.class, () -> SpatialHash.thresholdForRate(1.5));
    }

    @Test
    void filterKeepsExactlyTheHashSampledPagesInOrder() {
        SpatialFilter f = SpatialFilter.forRate("vm-y", 0.05);
        long[] gfn = new long[100_000];
        byte[] xwr = new byte[gfn.length];
        for (int i = 0; i < gfn.length; i++) {
            gfn[i] = i * 7L;
            xwr[i] = (byte) (i & 7);
        }
        int kept = f.filter(gfn, xwr, gfn.length);
        long key = SpatialHash.vmKey("vm-y");
        int j = 0;
        for (int i = 0; i < 100_000; i++) {
            if (SpatialHash.hash(key, i * 7L) < f.threshold()) {
                assertEquals(i * 7L, gfn[j]);
                assertEquals(i & 7, xwr[j]);
                j++;
            }
        }
        assertEquals(j, kept);
        assertTrue(f.test(gfn[0]));
    }
}
