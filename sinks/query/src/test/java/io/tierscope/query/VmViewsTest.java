package io.tierscope.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tierscope.analytics.heat.ChunkHeat;
import io.tierscope.analytics.heat.HeatBit;
import io.tierscope.avro.CurveKind;
import io.tierscope.avro.MissRatioCurve;
import io.tierscope.streams.heat.query.PageHeatReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VmViewsTest {
    @Test
    void missRatioIsInterpolatedBetweenPointsAndFlatBeyondTheEnds() {
        MissRatioCurve c = Fixtures.curve("vm", CurveKind.WINDOW, 0, 1024); // sizes 1, 2, 4, ... 4096
        assertEquals(1.0, VmViews.missRatioAt(c, 0.5), 1e-12);
        assertEquals(0.05, VmViews.missRatioAt(c, 1e9), 1e-12);
        double at512 = c.getPoints().get(9).getMissRatio();
        double at1024 = c.getPoints().get(10).getMissRatio();
        assertEquals((at512 + at1024) / 2, VmViews.missRatioAt(c, 768), 1e-12);
    }

    @Test
    void fleetSortsFiguresDescendingTiesByVmAndKeepsTheTopN() {
        List<Map<String, Object>> all = new ArrayList<>();
        all.add(vm("c", 10));
        all.add(vm("a", 30));
        all.add(vm("b", 30));
        all.add(vm("d", null));
        List<Map<String, Object>> top = VmViews.sortFleet(all, "working-set", 3);
        assertEquals(List.of("a", "b", "c"), top.stream().map(m -> m.get("vmId")).toList());
        assertEquals(List.of("a", "b", "c", "d"), VmViews.sortFleet(all, "vm", 10).stream().map(m -> m.get("vmId")).toList());
        assertEquals(400, assertThrows(ApiException.class, () -> VmViews.sortFleet(all, "size", 3)).status());
    }

    @Test
    void pagesInAddressOrderArePagedWithinTheirSet() {
        List<ChunkHeat> chunks = List.of(PageHeatReader.toChunkHeat(Fixtures.chunk("vm", 0, 0, 0)),
                PageHeatReader.toChunkHeat(Fixtures.chunk("vm", 1, 1, 0)));
        // Chunk 0: states (p/8) % 5, cold (frigid, 0) at 0..7, 40..47, ...
        Map<String, Object> cold = VmViews.pages("vm", chunks, "gfn", "cold", HeatBit.ACCESSED, 8, 3);
        List<?> rows = (List<?>) cold.get("pages");
        assertEquals(List.of(40L, 41L, 42L), rows.stream().map(r -> ((Map<?, ?>) r).get("gfn")).toList());
        long expectedCold = 0;
        for (int c = 0; c < 2; c++) {
            for (int p = 0; p < Fixtures.CHUNK_PAGES; p++) {
                expectedCold += (p / 8 + c) % 5 == 0 ? 1 : 0;
            }
        }
        assertEquals(expectedCold, cold.get("total"));
        assertEquals(400, assertThrows(ApiException.class,
                () -> VmViews.pages("vm", chunks, "coldest", "hot", HeatBit.ACCESSED, 0, 3)).status());
    }

    @Test
    void aHeatProfileHoldsTheMeanRankOfEachAddressBucket() {
        ChunkHeat chunk = PageHeatReader.toChunkHeat(Fixtures.chunk("vm", 2, 0, 0)); // 512 pages from gfn 1024
        HeatProfile profile = HeatProfile.decode(HeatProfile.of(chunk));
        assertEquals(1024, profile.baseGfn());
        assertEquals(HeatProfile.BUCKETS, profile.bucketCount());
        // 8 pages per bucket, one state per run of 8: bucket b is state b % 5, rank / 4 of the hottest.
        for (int b = 0; b < profile.bucketCount(); b++) {
            assertEquals(1024 + 8L * b, profile.bucketStartGfn(b));
            assertEquals(Math.round((b % 5) / 4.0 * 255) / 255.0, profile.intensity(b), 1e-12);
        }
        assertThrows(IllegalArgumentException.class, () -> HeatProfile.decode(new byte[5]));
    }

    private static Map<String, Object> vm(String id, Integer ws) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("vmId", id);
        m.put("workingSetPages", ws);
        return m;
    }
}
