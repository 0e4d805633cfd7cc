package io.tierscope.planner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.avro.HostInventory;
import io.tierscope.avro.PageHeatChunk;
import io.tierscope.avro.PagePlacement;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HostPlanMakerTest {
    private static final int CHUNK = 256;

    /**
     * Records a chunk each take the fused period pass, the same records split in two the general path: both give
     * the same plans, allocations, working sets and heat scores, period after period (scores carried over).
     * VM a ends in a partial chunk and has a heat record shorter than its chunk, b ranks by sampled counts, c has
     * a chunk without heat and one without placement; nodes include a third node and pages not present.
     */
    @Test
    void chunkedRecordsPlanExactlyAsTheGeneralPathDoes() {
        PlannerConfig config = PlannerConfig.from(Map.of(PlannerConfig.CHUNK_PAGES, String.valueOf(CHUNK),
                PlannerConfig.STEP_PAGES, "64"));
        HostPlanMaker fused = new HostPlanMaker(config);
        HostPlanMaker general = new HostPlanMaker(config);
        HostInventory inventory = PlannerRecords.inventory("h", 600, 20, PlannerRecords.vm("a", 1000),
                PlannerRecords.vm("b", 768), PlannerRecords.vm("c", 512));
        SplittableRandom random = new SplittableRandom(5);
        List<byte[][]> fusedScores = new ArrayList<>();
        List<byte[][]> generalScores = new ArrayList<>();
        long promoted = 0;
        for (int period = 0; period < 6; period++) {
            List<VmInputs> chunked = new ArrayList<>();
            List<VmInputs> split = new ArrayList<>();
            for (var vm : inventory.getVms()) {
                String id = vm.getVmId();
                int chunks = (int) ((vm.getMemoryPages() + CHUNK - 1) / CHUNK);
                List<PageHeatChunk> heat = new ArrayList<>();
                List<PagePlacement> placement = new ArrayList<>();
                for (int c = 0; c < chunks; c++) {
                    int pages = (int) Math.min(CHUNK, vm.getMemoryPages() - (long) c * CHUNK);
                    if (!(id.equals("c") && c == 1)) {
                        int heatPages = id.equals("a") && c == 1 ? pages - 56 : pages;
                        byte[] states = new byte[heatPages];
                        for (int i = 0; i < heatPages; i++) {
                            states[i] = (byte) (random.nextInt(3) == 0 ? 3 + random.nextInt(2) : random.nextInt(3));
                        }
                        PageHeatChunk h = PlannerRecords.heat(id, c, CHUNK, states);
                        if (id.equals("b")) {
                            int[] samples = random.ints(heatPages, 0, 9).toArray();
                            h = PlannerRecords.counted(h, samples);
                        }
                        heat.add(h);
                    }
                    if (!(id.equals("c") && c == 0)) {
                        byte[] nodes = new byte[pages];
                        for (int i = 0; i < pages; i++) {
                            int pick = random.nextInt(20);
                            nodes[i] = (byte) (pick < 6 ? 0 : pick < 18 ? 1 : pick == 18 ? 2 : -2);
                        }
                        placement.add(PlannerRecords.placement(id, c, CHUNK, nodes));
                    }
                }
                chunked.add(new VmInputs(id, PlannerRecords.curve(id, 1000 * (1 + id.charAt(0) - 'a'), 1, 1.0, 300, 0.2 * (id.charAt(0) - 'a')),
                        heat, placement));
                split.add(new VmInputs(id, chunked.get(chunked.size() - 1).curve(), splitHeat(heat), splitPlacement(placement)));
            }
            HostPlanMaker.HostPlan f = fused.plan(inventory, chunked, fusedScores, period * 60_000L);
            HostPlanMaker.HostPlan g = general.plan(inventory, split, generalScores, period * 60_000L);
            assertEquals(g.allocation(), f.allocation(), "period " + period);
            assertEquals(g.plan(), f.plan(), "period " + period);
            assertEquals(g.workingSets(), f.workingSets(), "period " + period);
            for (int v = 0; v < g.heatScores().size(); v++) {
                assertArrayEquals(g.heatScores().get(v), f.heatScores().get(v), "period " + period + ", VM " + v);
            }
            promoted += f.plan().getVms().stream().mapToLong(p -> p.getPromote().size()).sum();
            fusedScores = f.heatScores();
            generalScores = g.heatScores();
        }
        assertTrue(promoted > 0, "the plans move pages");
    }

    /** Each record as two, split 100 pages in: the second starts mid-chunk. */
    private static List<PageHeatChunk> splitHeat(List<PageHeatChunk> heat) {
        List<PageHeatChunk> out = new ArrayList<>();
        for (PageHeatChunk h : heat) {
            byte[] states = HostPlanMaker.bytes(h.getAccessStates());
            byte[] counts = h.getSampledCounts() == null ? null : HostPlanMaker.bytes(h.getSampledCounts());
            for (int[] part : new int[][] {{0, 100}, {100, states.length}}) {
                PageHeatChunk.Builder b = PageHeatChunk.newBuilder(h).setBaseGfn(h.getBaseGfn() + part[0])
                        .setPageCount(part[1] - part[0])
                        .setAccessStates(ByteBuffer.wrap(Arrays.copyOfRange(states, part[0], part[1])));
                if (counts != null) {
                    b.setSampledCounts(ByteBuffer.wrap(Arrays.copyOfRange(counts, 2 * part[0], 2 * part[1])));
                }
                out.add(b.build());
            }
        }
        return out;
    }

    private static List<PagePlacement> splitPlacement(List<PagePlacement> placement) {
        List<PagePlacement> out = new ArrayList<>();
        for (PagePlacement p : placement) {
            byte[] nodes = HostPlanMaker.bytes(p.getNodes());
            out.add(PagePlacement.newBuilder(p).setPageCount(100).setNodes(ByteBuffer.wrap(Arrays.copyOf(nodes, 100))).build());
            out.add(PagePlacement.newBuilder(p).setBaseGfn(p.getBaseGfn() + 100).setPageCount(nodes.length - 100)
                    .setNodes(ByteBuffer.wrap(Arrays.copyOfRange(nodes, 100, nodes.length))).build());
        }
        return out;
    }

}
