package io.tierscope.workload.synthetic;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.workload.AccessBatch;
import io.tierscope.workload.AccessReader;
import io.tierscope.workload.Xwr;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SyntheticWorkloadTest {

    private static long[] take(SyntheticWorkload w, int n) {
        long[] gfn = new long[n];
        w.generate(gfn, new byte[n], 0, n);
        return gfn;
    }

    @Test
    void sameSeedSameStreamDifferentSeedDifferentStream() {
        assertArrayEquals(take(new ZipfWorkload(7, 0, 1000, 0.9), 500), take(new ZipfWorkload(7, 0, 1000, 0.9), 500));
        assertTrue(!Arrays.equals(take(new ZipfWorkload(7, 0, 1000, 0.9), 500),
                take(new ZipfWorkload(8, 0, 1000, 0.9), 500)));
    }

    @Test
    void zipfHotPagesMatchTheObservedAccessShare() {
        ZipfWorkload z = new ZipfWorkload(1, 100, 10_000, 1.0);
        long hot = z.hotPages(0.5);
        long[] g = take(z, 200_000);
        long inHot = Arrays.stream(g).filter(p -> p >= 100 && p < 100 + hot).count();
        assertEquals(0.5, inHot / 200_000.0, 0.02);
        assertTrue(Arrays.stream(g).allMatch(p -> p >= 100 && p < 10_100));
    }

    @Test
    void loopAndScanAreSequential() {
        assertArrayEquals(new long[] {10, 11, 12, 10, 11}, take(new LoopWorkload(10, 3), 5));
        ScanWorkload scan = new ScanWorkload(5, 1L << 40);
        assertArrayEquals(new long[] {5, 6, 7, 8}, take(scan, 4));
        assertEquals(0, scan.workingSetPages());
    }

    @Test
    void phaseShiftSwitchesWorkingSetAndReportsIt() {
        PhaseShiftWorkload w = PhaseShiftWorkload.disjointWorkingSets(3, 0, 2, 100, 1000);
        long[] first = take(w, 1000);
        assertEquals(1, w.phase());
        long[] second = take(w, 1000);
        assertEquals(0, w.phase());
        assertTrue(Arrays.stream(first).allMatch(p -> p < 100));
        assertTrue(Arrays.stream(second).allMatch(p -> p >= 100 && p < 200));
        assertEquals(100, w.workingSetPages());
        assertEquals(200, w.footprintPages());
    }

    @Test
    void mixtureDrawsFromComponentsByWeightAndAccessMixSetsBits() {
        MixtureWorkload m = new MixtureWorkload(4, List.of(new LoopWorkload(0, 10), new LoopWorkload(1000, 10)),
                new double[] {3, 1});
        long[] g = take(m, 40_000);
        long low = Arrays.stream(g).filter(p -> p < 1000).count();
        assertEquals(0.75, low / 40_000.0, 0.02);
        assertEquals(20, m.footprintPages());

        AccessMixWorkload rw = new AccessMixWorkload(5, new LoopWorkload(0, 4), 0.3, 0.1);
        byte[] xwr = new byte[20_000];
        rw.generate(new long[20_000], xwr, 0, 20_000);
        int writes = 0;
        int execs = 0;
        for (byte b : xwr) {
            writes += b == Xwr.WRITE ? 1 : 0;
            execs += b == Xwr.EXEC ? 1 : 0;
        }
        assertEquals(0.3, writes / 20_000.0, 0.02);
        assertEquals(0.1, execs / 20_000.0, 0.02);
    }

    @Test
    void readerStopsAfterTheRequestedCountAndStreamsManyDistinctPages() throws IOException {
        AccessReader r = new UniformWorkload(9, 0, 5_000_000).reader(2_500_003, "vm1");
        AccessBatch b = new AccessBatch(4096);
        long total = 0;
        Set<Long> sample = new HashSet<>();
        int n;
        while ((n = r.read(b)) > 0) {
            total += n;
            if (sample.size() < 1000) {
                sample.add(b.gfn[0]);
            }
        }
        assertEquals(2_500_003, total);
        assertEquals("vm1", r.vmName(0));
        assertTrue(sample.size() > 500);
    }
}
