package io.tierscope.planner;

import io.tierscope.analytics.heat.HeatTable;
import io.tierscope.analytics.tiering.placement.PeriodPass;
import io.tierscope.avro.NodeWorkingSet;
import io.tierscope.avro.NodeWorkingSets;
import io.tierscope.avro.PageHeatChunk;
import io.tierscope.avro.PagePlacement;
import java.util.ArrayList;
import java.util.Arrays;
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
        // Hot pages by node byte (0..255): bytes 128..255 are negative nodes, i.e. not present.
        long[] hotByNodeByte = new long[256];
        long unplaced = 0;
        for (PageHeatChunk chunk : vm.heat()) {
            int[] hot = hotStates(HeatTable.byName(chunk.getClassifier()));
            byte[] states = HostPlanMaker.bytes(chunk.getAccessStates());
            long base = chunk.getBaseGfn();
            // Run by run: the pages of one placement record, or a gap between records; counted branch-free
            // (hot and cold pages mix, so a test per page mispredicts).
            int i = 0;
            while (i < states.length) {
                long gfn = base + i;
                Map.Entry<Long, byte[]> p = placementByBase.floorEntry(gfn);
                Long nextBase = placementByBase.higherKey(gfn);
                int run = (int) Math.min(states.length - i, nextBase == null ? Long.MAX_VALUE : nextBase - gfn);
                if (p != null && gfn - p.getKey() < p.getValue().length) {
                    byte[] nodesOf = p.getValue();
                    int at = (int) (gfn - p.getKey());
                    run = Math.min(run, nodesOf.length - at);
                    for (int k = 0; k < run; k++) {
                        hotByNodeByte[nodesOf[at + k] & 0xff] += hot[states[i + k] & 0xff];
                    }
                } else {
                    for (int k = 0; k < run; k++) {
                        unplaced += hot[states[i + k] & 0xff];
                    }
                }
                i += run;
            }
        }
        long[] counts = Arrays.copyOf(hotByNodeByte, PeriodPass.NO_PLACEMENT + 1);
        counts[PeriodPass.NO_PLACEMENT] = unplaced;
        return of(host, planId, periodStartMs, homeNode, vm.vmId(), counts);
    }

    /**
     * The working sets from hot pages counted by node byte ({@code node & 0xff}: 128..255 are negative nodes,
     * pages not present) and, at {@link PeriodPass#NO_PLACEMENT}, hot pages without a placement record.
     */
    public static NodeWorkingSets of(String host, String planId, long periodStartMs, int homeNode, String vmId,
                                     long[] hotByNodeByte) {
        long[] hotPerNode = Arrays.copyOf(hotByNodeByte, Byte.MAX_VALUE + 1);
        long unplaced = 0;
        for (int b = Byte.MAX_VALUE + 1; b < hotByNodeByte.length; b++) {
            unplaced += hotByNodeByte[b];
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
        return NodeWorkingSets.newBuilder().setVmId(vmId).setHost(host).setPlanId(planId).setPeriodStartMs(periodStartMs)
                .setHomeNode(homeNode).setNodes(nodes).setUnplacedHotPages(unplaced).setLargestNode(largest)
                .setRecommendMigration(largest >= 0 && largest != homeNode).build();
    }

    /** Per state value 0..255: 1 when the table calls it hot, else 0. */
    private static int[] hotStates(HeatTable table) {
        int[] hot = new int[256];
        for (int s = 0; s < table.stateCount(); s++) {
            hot[s] = table.isHot(s) ? 1 : 0;
        }
        return hot;
    }
}
