package io.tierscope.analytics.heat;

import static io.tierscope.analytics.heat.ChunkHeatTest.bits;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChunkTemperatureTest {
    private static final TemperatureModel MODEL = new TemperatureModel(100, 8f, 4f, 1f);

    @Test
    void executeBeatsWriteBeatsReadAsInKvmHybridmem() {
        assertEquals(8f, MODEL.addition(4 | 2 | 1));
        assertEquals(4f, MODEL.addition(2 | 1));
        assertEquals(1f, MODEL.addition(1));
        assertEquals(1f, MODEL.addition(0));
    }

    @Test
    void temperatureHalvesEveryHalfLife() {
        ChunkTemperature c = new ChunkTemperature(MODEL, 50, 4);
        c.addSample(1000, 51, 2);
        assertEquals(4.0, c.temperature(1, 1000), 1e-6);
        assertEquals(2.0, c.temperature(1, 1100), 1e-6);
        assertEquals(0.5, c.temperature(1, 1300), 1e-6);
        c.addSample(1300, 51, 1);
        assertEquals(1.5, c.temperature(1, 1300), 1e-6);
        assertEquals(0.0, c.temperature(0, 1300));
        assertThrows(IllegalArgumentException.class, () -> c.addSample(1300, 54, 1));
        assertThrows(IllegalArgumentException.class, () -> new TemperatureModel(0, 1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new TemperatureModel(1, -1, 1, 1));
    }

    @Test
    void staysExactOverThousandsOfHalfLivesThanksToRenormalisation() {
        ChunkTemperature c = new ChunkTemperature(MODEL, 0, 3);
        c.addSample(0, 0, 1);
        long late = 100L * 5000; // 5000 half-lives later: far past float range without renormalising
        c.addSample(late, 1, 2);
        c.addSample(late + 100, 2, 4);
        assertEquals(0.0, c.temperature(0, late + 100), 1e-30);
        assertEquals(2.0, c.temperature(1, late + 100), 1e-5);
        assertEquals(8.0, c.temperature(2, late + 100), 1e-5);
        assertTrue(Double.isFinite(c.temperature(2, late + 200)));
    }

    @Test
    void scansAddWriteOrReadAndAreIdempotentBySequence() {
        ChunkTemperature c = new ChunkTemperature(MODEL, 0, 10);
        assertEquals(ScanStatus.APPLIED, c.applyScan(3, 0, bits(10, 1, 2, 9), bits(10, 2)));
        assertEquals(ScanStatus.DUPLICATE, c.applyScan(3, 0, bits(10, 1, 2, 9), bits(10, 2)));
        assertEquals(ScanStatus.STALE, c.applyScan(2, 0, bits(10, 1), null));
        assertEquals(1.0, c.temperature(1, 0), 1e-6);
        assertEquals(4.0, c.temperature(2, 0), 1e-6);
        assertEquals(1.0, c.temperature(9, 0), 1e-6);
        assertEquals(0.0, c.temperature(0, 0));
        InvalidBitmapException e = assertThrows(InvalidBitmapException.class, () -> c.applyScan(4, 0, new byte[1], null));
        assertTrue(e.getMessage().contains("pageCount 10"), e.getMessage());
    }

    @Test
    void snapshotRestoresTemperaturesAndResizeAddsColdPages() {
        ChunkTemperature c = new ChunkTemperature(MODEL, 8, 5);
        c.applyScan(1, 500, bits(5, 0, 4), bits(5, 4));
        ChunkTemperature r = ChunkTemperature.restore(c.snapshot(), MODEL);
        assertEquals(1, r.lastScanSeq());
        for (int p = 0; p < 5; p++) {
            assertEquals(c.temperature(p, 700), r.temperature(p, 700), 1e-9);
        }
        assertThrows(IllegalArgumentException.class, () -> ChunkTemperature.restore(new byte[5], MODEL));
        r.resize(7);
        assertEquals(0.0, r.temperature(6, 700));
        assertEquals(4.0 / 4, r.temperature(4, 700), 1e-6);
    }

    @Test
    void rankingByFractionThresholdAndOrder() {
        ChunkTemperature a = new ChunkTemperature(MODEL, 100, 3);
        ChunkTemperature b = new ChunkTemperature(MODEL, 0, 3);
        a.addSample(0, 100, 4); // 8
        a.addSample(0, 102, 1); // 1
        b.addSample(0, 1, 2);   // 4
        b.addSample(0, 2, 1);   // 1
        List<ChunkTemperature> vm = List.of(a, b);
        assertArrayEquals(new long[] {100, 1}, TemperatureRanking.hotByFraction(vm, 0, 2.0 / 6));
        // Only 4 pages are warm at all: a fraction of 1 never calls a never-touched page hot.
        assertArrayEquals(new long[] {100, 1, 2, 102}, TemperatureRanking.hotByFraction(vm, 0, 1));
        assertArrayEquals(new long[] {1, 100}, TemperatureRanking.hotByThreshold(vm, 100, 2.0));
        assertArrayEquals(new long[] {100, 1, 2, 102, 0, 101}, TemperatureRanking.hottestFirst(vm, 0, 10));
        assertArrayEquals(new long[] {0, 101, 2}, TemperatureRanking.coldestFirst(vm, 0, 3));
        assertThrows(IllegalArgumentException.class, () -> TemperatureRanking.hotByFraction(vm, 0, 1.5));
        assertThrows(IllegalArgumentException.class, () -> TemperatureRanking.hotByThreshold(vm, 0, 0));
    }

    @Test
    void rankingSkipsEmptyChunksWhenMappingBackToGfns() {
        ChunkTemperature empty = new ChunkTemperature(MODEL, 10, 0);
        ChunkTemperature c = new ChunkTemperature(MODEL, 20, 2);
        c.addSample(0, 21, 1);
        assertArrayEquals(new long[] {21, 20},
                TemperatureRanking.hottestFirst(List.of(new ChunkTemperature(MODEL, 0, 0), empty, c), 0, 5));
    }
}
