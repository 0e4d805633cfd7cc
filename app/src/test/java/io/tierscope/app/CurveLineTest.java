package io.tierscope.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.avro.CurveKind;
import io.tierscope.avro.MissRatioCurve;
import io.tierscope.avro.MrcPoint;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CurveLineTest {
    @Test
    void showsTheWorkingSetAndMissRatiosAtSizesAFactorFourApart() {
        String line = CurveLine.format(curve(300, 12_345, 0, 1, 2, 4, 16, 64, 256, 300));
        String tail = line.substring(line.indexOf(" mrc "));
        assertEquals(" mrc  ws 12.3k pages  4K:1.00 16K:0.25 64K:0.06 256K:0.02 1M:0.00", tail);
        assertTrue(line.contains("vm-7"), line);
    }

    @Test
    void longCurvesUseAFactorOfSixteenAndLateBatchesAreShown() {
        List<Long> sizes = new ArrayList<>();
        for (long s = 1; s <= (1 << 20); s *= 2) {
            sizes.add(s);
        }
        String line = CurveLine.format(curve(1 << 20, 900, 3, sizes.stream().mapToLong(Long::longValue).toArray()));
        String tail = line.substring(line.indexOf(" mrc "));
        assertEquals(" mrc  ws 900 pages  4K:1.00 64K:0.06 1M:0.00 16M:0.00 256M:0.00 4G:0.00  late 3", tail);
    }

    @Test
    void aCurveWithoutReferencesSaysSo() {
        MissRatioCurve empty = curve(1, 0, 0);
        empty.setPoints(List.of());
        assertTrue(CurveLine.format(empty).endsWith("mrc  no references"), CurveLine.format(empty));
        assertTrue(CurveLine.format(null).contains("dropped"), "a tombstone of the latest topic");
    }

    @Test
    void sizesAndCountsAreCompact() {
        assertEquals("4K", CurveLine.bytes(4096));
        assertEquals("1.5G", CurveLine.bytes(3L << 29));
        assertEquals("512", CurveLine.bytes(512));
        assertEquals("999", CurveLine.count(999));
        assertEquals("2.5M", CurveLine.count(2_500_000));
    }

    /** Miss ratio 1/size at each size (in pages). */
    private static MissRatioCurve curve(long footprint, long ws, long late, long... sizes) {
        List<MrcPoint> points = new ArrayList<>();
        for (long s : sizes) {
            points.add(new MrcPoint(s, s * 4096, 1.0 / s));
        }
        return MissRatioCurve.newBuilder().setVmId("vm-7").setKind(CurveKind.CUMULATIVE).setWindowStartMs(0)
                .setWindowEndMs(10_000).setAccessFilter("xwr").setPageSizeBytes(4096).setSamplingRate(1)
                .setSampledPages(footprint).setReferences(1000).setColdMisses(footprint).setPoints(points)
                .setWorkingSetPages(ws).setLateBatches(late).build();
    }
}
