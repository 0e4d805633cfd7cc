package io.tierscope.planner;

import io.tierscope.avro.CurveKind;
import io.tierscope.avro.HostInventory;
import io.tierscope.avro.MissRatioCurve;
import io.tierscope.avro.MrcPoint;
import io.tierscope.avro.PageHeatChunk;
import io.tierscope.avro.PagePlacement;
import io.tierscope.avro.VmInventory;
import io.tierscope.planner.inventory.InventorySpec;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Input records for planner tests: inventories, curves, heat and placement chunks. */
public final class PlannerRecords {
    public static final byte SIZZLE = 4;
    public static final byte WARM = 3;
    public static final byte FRIGID = 0;

    private PlannerRecords() {
    }

    public static HostInventory inventory(String host, long fastPages, long budgetPagesPerSec, VmInventory... vms) {
        return InventorySpec.build(host, 0, 1, fastPages, budgetPagesPerSec, 4096, List.of(vms), 0);
    }

    public static VmInventory vm(String id, long memoryPages) {
        return InventorySpec.vm(id, "memory=" + memoryPages + ",pid=" + (1000 + Math.abs(id.hashCode() % 1000)));
    }

    /** A curve through (size, miss ratio) pairs, {@code refsPerSec} references a second over one minute. */
    public static MissRatioCurve curve(String vmId, double refsPerSec, double... sizeRatioPairs) {
        List<MrcPoint> points = new ArrayList<>();
        for (int i = 0; i < sizeRatioPairs.length; i += 2) {
            long size = (long) sizeRatioPairs[i];
            points.add(MrcPoint.newBuilder().setSizePages(size).setSizeBytes(size * 4096).setMissRatio(sizeRatioPairs[i + 1]).build());
        }
        return MissRatioCurve.newBuilder().setVmId(vmId).setKind(CurveKind.CUMULATIVE).setWindowStartMs(0)
                .setWindowEndMs(60_000).setAccessFilter("xwr").setPageSizeBytes(4096).setSamplingRate(1.0)
                .setSampledPages(0).setReferences((long) (refsPerSec * 60)).setColdMisses(0).setPoints(points)
                .setWorkingSetPages(points.get(points.size() - 1).getSizePages()).build();
    }

    public static PageHeatChunk heat(String vmId, long chunk, int chunkPages, byte[] states) {
        return PageHeatChunk.newBuilder().setVmId(vmId).setChunkIndex(chunk).setBaseGfn(chunk * chunkPages)
                .setPageCount(states.length).setLastScanSeq(1).setTimeMs(0).setClassifier("fsm5")
                .setAccessStates(ByteBuffer.wrap(states)).setWriteStates(null).build();
    }

    /** The chunk with sampled access counts per page (sample-driven heat), in samples. */
    public static PageHeatChunk counted(PageHeatChunk chunk, int... samplesPerPage) {
        char[] counts = new char[chunk.getPageCount()];
        for (int i = 0; i < samplesPerPage.length && i < counts.length; i++) {
            counts[i] = (char) (samplesPerPage[i] * io.tierscope.analytics.heat.SampledCounts.UNIT);
        }
        return PageHeatChunk.newBuilder(chunk).setSampledCounts(ByteBuffer.wrap(
                io.tierscope.analytics.heat.SampledCounts.toBytes(counts))).build();
    }

    /** States of {@code pages} pages: {@code state} on [from, to), frigid elsewhere. */
    public static byte[] states(int pages, int from, int to, byte state) {
        byte[] s = new byte[pages];
        Arrays.fill(s, from, to, state);
        return s;
    }

    public static PagePlacement placement(String vmId, long chunk, int chunkPages, byte[] nodes) {
        return PagePlacement.newBuilder().setVmId(vmId).setChunkIndex(chunk).setBaseGfn(chunk * chunkPages)
                .setPageCount(nodes.length).setTimeMs(0).setNodes(ByteBuffer.wrap(nodes)).build();
    }

    public static byte[] nodes(int pages, byte node) {
        byte[] n = new byte[pages];
        Arrays.fill(n, node);
        return n;
    }
}
