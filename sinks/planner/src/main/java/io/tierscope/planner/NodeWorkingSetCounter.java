package io.tierscope.planner;

import io.tierscope.analytics.heat.HeatTable;
import io.tierscope.avro.NodeWorkingSet;
import io.tierscope.avro.NodeWorkingSets;
import io.tierscope.avro.PageHeatChunk;
import io.tierscope.avro.PagePlacement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Per-NUMA-node working sets of a VM (US 9,223,722 FIG. 8): its hot pages (warm or sizzle by
 * access heat, {@link HeatTable#isHot}) counted by the node the placement records put them on.
 * When the largest set is not on the VM's home node (the host's fast node), migrating the VM to
 * it, or those pages home, is recommended. Works on the chunk records as they are: heat and
 * placement chunks may be of different sizes; no per-page objects.
 */
public final class NodeWorkingSetCounter {
    private NodeWorkingSetCounter() {
    }

    public static NodeWorkingSets count(String host, String planId, long periodStartMs, int homeNode, VmInputs vm) {
        NavigableMap<Long, byte[]> placementByBase = new TreeMap<>();
        for (PagePlacement p : vm.placement()) {
            placementByBase.put(p.getBaseGfn(), HostPlanMaker.bytes(p.getNodes()));
        }
        long[] hotPerNode = new long[Byte.MAX_VALUE + 1];
        long unplaced = 0;
        for (PageHeatChunk chunk : vm.heat()) {
            HeatTable table = HeatTable.byName(chunk.getClassifier());
            byte[] states = HostPlanMaker.bytes(chunk.getAccessStates());
            long base = chunk.getBaseGfn();
            long nodesBase = -1; // the placement chunk looked up last: one lookup per chunk it covers
            byte[] nodesOf = new byte[0];
            for (int i = 0; i < states.length; i++) {
                if (!table.isHot(states[i] & 0xff)) {
                    continue;
                }
                long gfn = base + i;
                if (gfn < nodesBase || gfn - nodesBase >= nodesOf.length) {
                    Map.Entry<Long, byte[]> p = placementByBase.floorEntry(gfn);
                    nodesBase = p == null ? -1 : p.getKey();
                    nodesOf = p == null ? new byte[0] : p.getValue();
                }
                int node = nodesBase >= 0 && gfn - nodesBase < nodesOf.length ? nodesOf[(int) (gfn - nodesBase)] : -1;
                if (node < 0) {
                    unplaced++;
                } else {
                    hotPerNode[node]++;
                }
            }
        }
        List<NodeWorkingSet> nodes = new ArrayList<>();
        int largest = -1;
        for (int node = 0; node < hotPerNode.length; node++) {
            if (hotPerNode[node] > 0) {
                nodes.add(NodeWorkingSet.newBuilder().setNode(node).setHotPages(hotPerNode[node]).build());
                if (largest < 0 || hotPerNode[node] > hotPerNode[largest]) {
                    largest = node;
                }
            }
        }
        return NodeWorkingSets.newBuilder().setVmId(vm.vmId()).setHost(host).setPlanId(planId).setPeriodStartMs(periodStartMs)
                .setHomeNode(homeNode).setNodes(nodes).setUnplacedHotPages(unplaced).setLargestNode(largest)
                .setRecommendMigration(largest >= 0 && largest != homeNode).build();
    }
}
