package io.tierscope.bench.planner;

import io.tierscope.avro.CurveKind;
import io.tierscope.avro.HostInventory;
import io.tierscope.avro.MissRatioCurve;
import io.tierscope.avro.MrcPoint;
import io.tierscope.avro.PageHeatChunk;
import io.tierscope.avro.PagePlacement;
import io.tierscope.avro.VmInventory;
import io.tierscope.planner.HostPlanMaker;
import io.tierscope.planner.NodeWorkingSetCounter;
import io.tierscope.planner.PlannerConfig;
import io.tierscope.planner.VmInputs;
import io.tierscope.planner.inventory.InventorySpec;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One host's plan from decoded records ({@link HostPlanMaker#plan}): four VMs of {@code vmPages}
 * pages each, heat in 32768-page chunks (a quarter of the pages warm or sizzle), a quarter of each
 * VM on the fast node, fast tier a quarter of the host, budget large enough to move 1% of it per
 * period. Also the per-node working sets of one VM. Run with {@code -jvmArgs -Xmx4g} for 1M-page VMs.
 *
 * <p>{@link #main} prints the planning thread's CPU time per plan instead of the wall clock, e.g. for
 * a 1 TiB host (four VMs of 2^26 pages):
 * <pre>java -Xmx12g -cp benchmarks/target/benchmarks.jar io.tierscope.bench.planner.HostPlanBench 67108864 5</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = "-Xmx4g")
public class HostPlanBench {
    private static final int CHUNK = 32_768;

    @Param({"1048576"})
    public int vmPages;

    private HostPlanMaker maker;
    private HostInventory inventory;
    private List<VmInputs> vms;

    @Setup
    public void setUp() {
        maker = new HostPlanMaker(PlannerConfig.from(Map.of(PlannerConfig.PERIOD_MS, "60000")));
        SplittableRandom random = new SplittableRandom(7);
        List<VmInventory> vmInventory = new ArrayList<>();
        vms = new ArrayList<>();
        for (int v = 0; v < 4; v++) {
            String id = "vm-" + v;
            vmInventory.add(InventorySpec.vm(id, "memory=" + vmPages));
            List<PageHeatChunk> heat = new ArrayList<>();
            List<PagePlacement> placement = new ArrayList<>();
            for (int c = 0; c * CHUNK < vmPages; c++) {
                byte[] states = new byte[CHUNK];
                byte[] nodes = new byte[CHUNK];
                for (int i = 0; i < CHUNK; i++) {
                    states[i] = (byte) (random.nextInt(4) == 0 ? 3 + random.nextInt(2) : random.nextInt(3));
                    nodes[i] = (byte) (c * CHUNK + i < vmPages / 4 ? 0 : 1);
                }
                heat.add(PageHeatChunk.newBuilder().setVmId(id).setChunkIndex(c).setBaseGfn((long) c * CHUNK).setPageCount(CHUNK)
                        .setLastScanSeq(1).setTimeMs(0).setClassifier("fsm5").setAccessStates(ByteBuffer.wrap(states)).build());
                placement.add(PagePlacement.newBuilder().setVmId(id).setChunkIndex(c).setBaseGfn((long) c * CHUNK)
                        .setPageCount(CHUNK).setTimeMs(0).setNodes(ByteBuffer.wrap(nodes)).build());
            }
            vms.add(new VmInputs(id, curve(id, vmPages, 0.2 + 0.2 * v), heat, placement));
        }
        long fast = 4L * vmPages / 4;
        inventory = InventorySpec.build("bench-host", 0, 1, fast, fast / 100 / 60, 4096, vmInventory, 0);
    }

    private void printHashes(int periods) {
        SplittableRandom random = new SplittableRandom(11);
        List<byte[][]> previous = new ArrayList<>();
        List<VmInputs> inputs = vms;
        for (int p = 0; p < periods; p++) {
            HostPlanMaker.HostPlan plan = maker.plan(inventory, inputs, previous, p * 60_000L);
            long outputs = Objects.hash(plan.allocation(), plan.plan(), plan.workingSets());
            long scores = 0;
            for (byte[][] vmScores : plan.heatScores()) {
                scores = scores * 31 + Arrays.deepHashCode(vmScores);
            }
            System.out.printf("period %d: outputs %x, heat scores %x%n", p, outputs, scores);
            previous = new ArrayList<>();
            for (byte[][] vmScores : plan.heatScores()) {
                byte[][] copy = new byte[vmScores.length][];
                for (int c = 0; c < copy.length; c++) {
                    copy[c] = vmScores[c].clone();
                }
                previous.add(copy);
            }
            List<VmInputs> next = new ArrayList<>();
            for (VmInputs in : inputs) {
                List<PageHeatChunk> heat = new ArrayList<>();
                for (PageHeatChunk chunk : in.heat()) {
                    if (random.nextInt(10) == 0) {
                        ByteBuffer old = chunk.getAccessStates().duplicate();
                        byte[] states = new byte[old.remaining()];
                        old.get(states);
                        for (int i = 0; i < states.length; i++) {
                            if (random.nextInt(3) == 0) {
                                states[i] = (byte) random.nextInt(5);
                            }
                        }
                        chunk = PageHeatChunk.newBuilder(chunk).setAccessStates(ByteBuffer.wrap(states)).build();
                    }
                    heat.add(chunk);
                }
                next.add(new VmInputs(in.vmId(), in.curve(), heat, in.placement()));
            }
            inputs = next;
        }
    }

    private static MissRatioCurve curve(String id, long pages, double floor) {
        List<MrcPoint> points = new ArrayList<>();
        for (long size = 1; size <= pages; size *= 2) {
            double ratio = floor + (1 - floor) * Math.pow(1 - (double) size / pages, 2);
            points.add(MrcPoint.newBuilder().setSizePages(size).setSizeBytes(size * 4096).setMissRatio(ratio).build());
        }
        return MissRatioCurve.newBuilder().setVmId(id).setKind(CurveKind.CUMULATIVE).setWindowStartMs(0).setWindowEndMs(60_000)
                .setAccessFilter("xwr").setPageSizeBytes(4096).setSamplingRate(1).setSampledPages(pages)
                .setReferences(60_000_000).setColdMisses(0).setPoints(points).setWorkingSetPages(pages).build();
    }

    @Benchmark
    public Object plan() {
        return maker.plan(inventory, vms, 0);
    }

    @Benchmark
    public Object workingSetsOfOneVm() {
        return NodeWorkingSetCounter.count("bench-host", "bench-host#0", 0, 0, vms.get(0));
    }

    /**
     * Thread CPU time per plan: args pages per VM (default 1048576) and timed plans (default 5), after 2 untimed.
     * With a third argument {@code hash}: instead, that many periods with the scores carried over and a tenth of
     * each VM's heat chunks changing each period, one line of hashes per period (plan, allocation and working
     * sets; heat scores), to check that a change leaves plans exactly the same.
     */
    public static void main(String[] args) {
        HostPlanBench bench = new HostPlanBench();
        bench.vmPages = args.length > 0 ? Integer.parseInt(args[0]) : 1 << 20;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        bench.setUp();
        if (args.length > 2 && args[2].equals("hash")) {
            bench.printHashes(runs);
            return;
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 2; i++) {
            bench.plan();
        }
        StringBuilder line = new StringBuilder("4 VMs of " + bench.vmPages + " pages, CPU s per plan:");
        for (int i = 0; i < runs; i++) {
            long start = threads.getCurrentThreadCpuTime();
            Object plan = bench.plan();
            line.append(String.format(" %.3f", (threads.getCurrentThreadCpuTime() - start) / 1e9));
            if (plan == null) {
                throw new AssertionError();
            }
        }
        System.out.println(line);
    }
}
