package io.tierscope.planner;

import static io.tierscope.planner.PlannerRecords.SIZZLE;
import static io.tierscope.planner.PlannerRecords.WARM;
import static io.tierscope.planner.PlannerRecords.heat;
import static io.tierscope.planner.PlannerRecords.placement;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.avro.NodeWorkingSet;
import io.tierscope.avro.NodeWorkingSets;
import io.tierscope.avro.PagePlacement;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeWorkingSetCounterTest {
    /** Heat in chunks of 256 pages, placement in chunks of 128: pages map by gfn, whatever the chunking. */
    @Test
    void countsHotPagesPerNodeAndRecommendsTheLargestRemoteSet() {
        byte[] states = new byte[256];
        Arrays.fill(states, 0, 40, SIZZLE);     // gfn 0..39 hot
        Arrays.fill(states, 40, 60, (byte) 2);  // warm-test: not hot
        Arrays.fill(states, 100, 200, WARM);    // gfn 100..199 hot
        byte[] first = new byte[128];           // gfn 0..127: node 0, except 120..127 not present
        Arrays.fill(first, 120, 128, (byte) -2);
        byte[] second = new byte[128];          // gfn 128..255: node 2
        Arrays.fill(second, (byte) 2);
        List<PagePlacement> placement = List.of(placement("vm", 0, 128, first), placement("vm", 1, 128, second));
        VmInputs vm = new VmInputs("vm", null, List.of(heat("vm", 0, 256, states)), placement);

        NodeWorkingSets sets = NodeWorkingSetCounter.count("h", "h#0", 0, 0, vm);
        assertEquals(List.of(set(0, 40 + 20), set(2, 72)), sets.getNodes());
        assertEquals(8, sets.getUnplacedHotPages());
        assertEquals(2, sets.getLargestNode());
        assertTrue(sets.getRecommendMigration(), "72 hot pages on node 2, 60 at home");

        NodeWorkingSets atHome = NodeWorkingSetCounter.count("h", "h#0", 0, 2, vm);
        assertFalse(atHome.getRecommendMigration());
    }

    @Test
    void withoutPlacementEveryHotPageIsUnplacedAndNothingIsRecommended() {
        VmInputs vm = new VmInputs("vm", null, List.of(heat("vm", 3, 256, PlannerRecords.states(256, 0, 10, SIZZLE))), List.of());
        NodeWorkingSets sets = NodeWorkingSetCounter.count("h", "h#0", 0, 0, vm);
        assertEquals(10, sets.getUnplacedHotPages());
        assertEquals(-1, sets.getLargestNode());
        assertTrue(sets.getNodes().isEmpty());
        assertFalse(sets.getRecommendMigration());
    }

    private static NodeWorkingSet set(int node, long hot) {
        return NodeWorkingSet.newBuilder().setNode(node).setHotPages(hot).build();
    }
}
