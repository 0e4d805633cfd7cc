package io.tierscope.analytics.tiering.allocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FastMemoryAllocatorTest {
    private static final long NO_LIMIT = Long.MAX_VALUE;

    @Test
    void fig6MovesMemoryToTheVmWhoseCurveGainsMore() {
        // US 9,223,722 FIG. 6: both VMs hold 500 pages; VM 1's curve is flat past 200 pages, VM 2's
        // keeps falling to 800. The split moves VM 1's idle pages to VM 2.
        MissCurve vm1 = MissCurve.of(0, 1.0, 200, 0.1, 1000, 0.1);
        MissCurve vm2 = MissCurve.of(0, 1.0, 800, 0.2, 1000, 0.2);
        FastMemoryAllocator allocator = new FastMemoryAllocator(100);
        HostGrant grant = allocator.allocate(1000, List.of(
                new VmDemand("vm1", vm1, 1000, 1, 0, NO_LIMIT, 500),
                new VmDemand("vm2", vm2, 1000, 1, 0, NO_LIMIT, 500)));
        VmGrant g1 = grant.vm("vm1");
        VmGrant g2 = grant.vm("vm2");
        assertEquals(200, g1.fastPages());
        assertEquals(800, g2.fastPages());
        assertEquals(0.1, g1.missRatioBefore(), 1e-12);
        assertEquals(0.1, g1.missRatioAfter(), 1e-12);
        assertEquals(0.5, g2.missRatioBefore(), 1e-12);
        assertEquals(0.2, g2.missRatioAfter(), 1e-12);
        assertTrue(g1.expectedMissesAfter() + g2.expectedMissesAfter() < g1.expectedMissesBefore() + g2.expectedMissesBefore());
        assertEquals(0, grant.unallocatedPages());
    }

    @Test
    void aCliffIsSeenThroughItsHull() {
        // A loop of 600 pages: nothing helps until it fits, then almost every reference hits.
        MissCurve loop = MissCurve.of(0, 1.0, 599, 1.0, 600, 0.05);
        // A smooth curve that gains a little per page everywhere.
        MissCurve smooth = MissCurve.of(0, 1.0, 1000, 0.5);
        FastMemoryAllocator allocator = new FastMemoryAllocator(50);
        HostGrant grant = allocator.allocate(700, List.of(
                new VmDemand("smooth", smooth, 1000, 1, 0, NO_LIMIT, 0),
                new VmDemand("loop", loop, 1000, 1, 0, NO_LIMIT, 0)));
        // On the raw curve the loop's first steps gain nothing and a greedy split would starve it;
        // on the hull (a straight line from 1.0 to 0.05 at 600) it gains 1.58 per page vs 0.5.
        assertEquals(600, grant.vm("loop").fastPages());
        assertEquals(100, grant.vm("smooth").fastPages());
        assertEquals(0.05, grant.vm("loop").missRatioAfter(), 1e-12);
    }

    @Test
    void hullDropsPointsAboveTheChordAndEndsFlatAtTheMinimum() {
        MissCurve c = MissCurve.of(0, 1.0, 100, 0.9, 200, 0.2, 300, 0.15, 400, 0.3);
        MissCurve h = c.hull();
        assertEquals(List.of(0L, 200L, 300L), java.util.Arrays.stream(h.sizes()).boxed().toList());
        assertEquals(0.6, h.missRatioAt(100), 1e-12);
        assertEquals(0.15, h.missRatioAt(10_000), 1e-12);
        assertEquals(1.0, MissCurve.of(100, 0.5).missRatioAt(0), 1e-12);
        assertEquals(0.75, MissCurve.of(100, 0.5).missRatioAt(50), 1e-12);
    }

    @Test
    void reservationsAndLimitsAreKept() {
        MissCurve steep = MissCurve.of(0, 1.0, 1000, 0.0);
        MissCurve flat = MissCurve.of(0, 0.5, 1000, 0.5);
        FastMemoryAllocator allocator = new FastMemoryAllocator(10);
        HostGrant grant = allocator.allocate(1000, List.of(
                new VmDemand("steep", steep, 1000, 1, 0, 700, 0),
                new VmDemand("flat", flat, 1000, 1, 250, NO_LIMIT, 0)));
        assertEquals(700, grant.vm("steep").fastPages());
        assertEquals(250, grant.vm("flat").fastPages());
        assertEquals(50, grant.unallocatedPages());
    }

    @Test
    void reservationsBeyondCapacityAreScaledDown() {
        MissCurve c = MissCurve.of(0, 1.0, 1000, 0.0);
        HostGrant grant = new FastMemoryAllocator(1).allocate(300, List.of(
                new VmDemand("a", c, 10, 1, 400, NO_LIMIT, 0),
                new VmDemand("b", c, 10, 1, 200, NO_LIMIT, 0)));
        assertEquals(200, grant.vm("a").fastPages());
        assertEquals(100, grant.vm("b").fastPages());
    }

    @Test
    void sharesWeighTheMisses() {
        MissCurve c = MissCurve.of(0, 1.0, 1000, 0.0);
        HostGrant grant = new FastMemoryAllocator(100).allocate(1000, List.of(
                new VmDemand("cheap", c, 1000, 1, 0, NO_LIMIT, 0),
                new VmDemand("gold", c, 1000, 3, 0, NO_LIMIT, 0)));
        assertEquals(1000, grant.vm("gold").fastPages());
        assertEquals(0, grant.vm("cheap").fastPages());
    }

    @Test
    void equalCurvesTieToTheFirstVm() {
        MissCurve c = MissCurve.of(0, 1.0, 1000, 0.0);
        HostGrant grant = new FastMemoryAllocator(100).allocate(500, List.of(
                new VmDemand("x", c, 1000, 1, 0, NO_LIMIT, 0),
                new VmDemand("y", c, 1000, 1, 0, NO_LIMIT, 0)));
        assertEquals(500, grant.vm("x").fastPages());
        assertEquals(0, grant.vm("y").fastPages());
    }

    @Test
    void badInputIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> MissCurve.of(10, 0.5, 10, 0.4));
        assertThrows(IllegalArgumentException.class, () -> MissCurve.of(10, 1.5));
        assertThrows(IllegalArgumentException.class, () -> new FastMemoryAllocator(0));
        MissCurve c = MissCurve.of(0, 1.0);
        assertThrows(IllegalArgumentException.class, () -> new VmDemand("v", c, 1, 1, 10, 5, 0));
        assertThrows(IllegalArgumentException.class, () -> new FastMemoryAllocator(1).allocate(10, List.of(
                new VmDemand("v", c, 1, 1, 0, 5, 0), new VmDemand("v", c, 1, 1, 0, 5, 0))));
    }
}
