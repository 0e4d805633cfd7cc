package io.tierscope.collector.source;

import io.tierscope.workload.AccessBatch;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.workload.synthetic.LoopWorkload;
import io.tierscope.workload.synthetic.SyntheticWorkload;
import io.tierscope.workload.synthetic.ZipfWorkload;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyntheticVmTest {

    /** Collects one scan period's chunks into whole bitmaps. */
    private static final class Period implements ScanSink {
        final BitSet accessed = new BitSet();
        final BitSet dirty = new BitSet();
        final List<Long> bases = new ArrayList<>();

        @Override
        public void chunk(long baseGfn, int pageCount, byte[] a, byte[] d) {
            bases.add(baseGfn);
            for (int i = 0; i < pageCount; i++) {
                if ((a[i >>> 3] >> (i & 7) & 1) != 0) {
                    accessed.set((int) (baseGfn + i));
                }
                if ((d[i >>> 3] >> (i & 7) & 1) != 0) {
                    dirty.set((int) (baseGfn + i));
                }
            }
        }
    }

    private static List<long[]> drainSamples(SyntheticVm vm, int blockSize) {
        List<long[]> out = new ArrayList<>();
        AccessBatch block = new AccessBatch(blockSize);
        int n;
        while ((n = vm.read(block)) != SampleFeed.END_OF_STREAM) {
            long[] packed = new long[n];
            for (int i = 0; i < n; i++) {
                packed[i] = block.gfn[i] << 3 | block.xwr[i];
                assertEquals(0, block.vm[i]);
            }
            out.add(packed);
            if (n == 0) {
                break;
            }
        }
        return out;
    }

    @Test
    void sameShapeAndSeedGiveTheSameStreamAndOtherSeedsDiffer() {
        SyntheticShape shape = SyntheticShape.parse("zipf:pages=5000,writes=0.25");
        long[] a = flatten(drainSamples(SyntheticVm.of("a", shape, 42, 20_000, 0, 0), 999));
        long[] b = flatten(drainSamples(SyntheticVm.of("b", shape, 42, 20_000, 0, 0), 4096));
        long[] c = flatten(drainSamples(SyntheticVm.of("c", shape, 43, 20_000, 0, 0), 4096));
        assertEquals(20_000, a.length);
        assertArrayEquals(a, b, "block size does not change the stream");
        assertFalse(java.util.Arrays.equals(a, c));
    }

    @Test
    void eachScanHoldsExactlyThePagesTouchedAndWrittenInItsPeriod() throws Exception {
        SyntheticShape shape = SyntheticShape.parse("mixed:pages=70000,writes=0.3");
        SyntheticVm vm = SyntheticVm.of("vm", shape, 7, 25_000, 10_000, 100);
        // Ground truth from an identical, independent generator.
        SyntheticWorkload truth = shape.build(7);
        long[] gfn = new long[25_000];
        byte[] xwr = new byte[25_000];
        truth.generate(gfn, xwr, 0, 25_000);

        AccessBatch block = new AccessBatch(3000);
        List<Period> periods = new ArrayList<>();
        int n;
        while ((n = vm.read(block)) != SampleFeed.END_OF_STREAM) {
            assertTrue(n > 0, "three periods fit without the scan side running");
        }
        Period p;
        while (vm.scans().scan(p = new Period())) {
            periods.add(p);
        }
        assertEquals(3, periods.size(), "two full periods and the partial last one");
        for (int k = 0; k < 3; k++) {
            BitSet accessed = new BitSet();
            BitSet dirty = new BitSet();
            for (int i = k * 10_000; i < Math.min(25_000, (k + 1) * 10_000); i++) {
                accessed.set((int) gfn[i]);
                if ((xwr[i] & 2) != 0) {
                    dirty.set((int) gfn[i]);
                }
            }
            assertEquals(accessed, periods.get(k).accessed, "accessed bits of period " + k);
            assertEquals(dirty, periods.get(k).dirty, "dirty bits of period " + k);
            assertTrue(dirty.cardinality() > 0);
            assertEquals(List.of(0L, 32_768L, 65_536L), periods.get(k).bases, "chunks cover the whole span");
        }
        assertEquals(100, vm.scans().periodMs());
    }

    @Test
    void unreadScansHoldTheSampleSideBackInsteadOfGrowing() throws Exception {
        SyntheticVm vm = new SyntheticVm("vm", new LoopWorkload(0, 64), 64, -1, 100, 10, 64);
        AccessBatch block = new AccessBatch(1000);
        long total = 0;
        int n;
        while ((n = vm.read(block)) > 0) {
            total += n;
        }
        assertEquals(0, n);
        assertEquals(300, total, "three periods (two pending + the one that filled last) and then a stop");
        assertTrue(vm.scans().scan(new Period()));
        assertEquals(100, vm.read(block), "a taken scan frees room for one more period");
        assertEquals(0, vm.read(block));
    }

    @Test
    void anEndlessVmMergesLatePeriodsInsteadOfWaitingForItsScanner() throws Exception {
        SyntheticVm vm = new SyntheticVm("vm", new LoopWorkload(0, 64), 64, -1, 100, 10, 64,
                SyntheticVm.LatePeriods.MERGE);
        AccessBatch block = new AccessBatch(100);
        for (int i = 0; i < 10; i++) {
            assertEquals(100, vm.read(block), "samples keep flowing with no scan taken, read " + i);
        }
        assertEquals(8, vm.scans().periodsMissed(), "two periods closed, the other eight merged into the open one");
        assertTrue(vm.scans().scan(new Period()));
        assertTrue(vm.scans().scan(new Period()));
        vm.read(block); // closes the open period, which covers the merged ones
        Period merged = new Period();
        assertTrue(vm.scans().scan(merged));
        assertEquals(64, merged.accessed.cardinality());
        assertEquals(8, vm.scans().periodsMissed());
    }

    @Test
    void aFiniteVmHandsOutItsMergedLastPeriodAtTheEnd() throws Exception {
        SyntheticVm vm = new SyntheticVm("vm", new LoopWorkload(0, 64), 64, 1000, 100, 10, 64,
                SyntheticVm.LatePeriods.MERGE);
        drainSamples(vm, 100);
        assertEquals(1000, vm.samplesGenerated());
        int scans = 0;
        while (vm.scans().scan(new Period())) {
            scans++;
        }
        assertEquals(3, scans, "two periods and the last one with the merged rest");
        assertEquals(7, vm.scans().periodsMissed());
    }

    @Test
    void aLoopTouchesEveryPageOfItsSpanInEveryFullPeriod() throws Exception {
        SyntheticVm vm = new SyntheticVm("vm", new LoopWorkload(0, 1000), 1003, 2000, 1000, 10, 512);
        drainSamples(vm, 4096);
        Period p = new Period();
        assertTrue(vm.scans().scan(p));
        assertEquals(1000, p.accessed.cardinality());
        assertEquals(0, p.dirty.cardinality());
        assertEquals(List.of(0L, 512L), p.bases);
        assertTrue(vm.scans().scan(new Period()));
        assertFalse(vm.scans().scan(new Period()), "the stream ended and every period was handed out");
    }

    @Test
    void streamsTensOfMillionsOfPagesInConstantMemory() {
        // 50M-page span, Zipf: the generator holds no trace; only 3 x 2 bitmaps of 6.25 MB exist.
        SyntheticVm vm = new SyntheticVm("big", new ZipfWorkload(1, 0, 50_000_000, 0.8), 50_000_000, 200_000,
                1_000_000, 1000, SyntheticVm.DEFAULT_CHUNK_PAGES);
        long total = 0;
        for (long[] block : drainSamples(vm, 4096)) {
            total += block.length;
        }
        assertEquals(200_000, total);
        assertEquals(200_000, vm.samplesGenerated());
    }

    @Test
    void aGeneratorLeavingItsSpanIsAnErrorNotASilentDrop() {
        SyntheticVm vm = new SyntheticVm("vm", new LoopWorkload(10, 100), 50, 1000, 0, 0, 64);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> vm.read(new AccessBatch(100)));
        assertTrue(e.getMessage().contains("outside its span [0, 50)"), e.getMessage());
    }

    @Test
    void withoutAScanPlanThereIsNoScanSide() {
        assertNull(SyntheticVm.of("vm", SyntheticShape.parse("loop:pages=10"), 1, 10, 0, 0).scans());
    }

    private static long[] flatten(List<long[]> blocks) {
        return blocks.stream().flatMapToLong(java.util.Arrays::stream).toArray();
    }
}
