package io.tierscope.bench.tiering;

import io.tierscope.analytics.tiering.allocation.FastMemoryAllocator;
import io.tierscope.analytics.tiering.allocation.MissCurve;
import io.tierscope.analytics.tiering.allocation.VmDemand;
import io.tierscope.analytics.tiering.placement.HostPlacement;
import io.tierscope.analytics.tiering.placement.PageGuard;
import io.tierscope.analytics.tiering.placement.PlacementPlanner;
import io.tierscope.analytics.tiering.placement.VmPageState;
import io.tierscope.analytics.tiering.allocation.HostGrant;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One planning period of a 1 TiB host (268,435,456 pages of 4 KiB) on one core: the fast tier
 * split across its VMs from their curves, then every VM's demotions and promotions chosen by
 * histogram selection under a 100 MB/s budget (25,600 pages per 1 s period). Scores are a
 * skewed mix (80% of pages at temperature 0, the rest spread over eight decades), a quarter of
 * the host is fast, 2% of pages carry guards. The placement is not applied, so every invocation
 * plans the same period. Needs a 3 GiB heap (1 GiB of scores).
 *
 * <pre>java -Xmx3g -jar benchmarks/target/benchmarks.jar PlanBench -f 1 -wi 2 -i 5</pre>
 *
 * <p>On a shared box the wall clock shows the other load; {@link #main} prints the planning thread's
 * CPU time per plan over the same data instead:
 * <pre>java -Xmx3g -cp benchmarks/target/benchmarks.jar io.tierscope.bench.tiering.PlanBench 16 7</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g", "-Xms3g"})
public class PlanBench {
    /** 1 TiB of 4 KiB pages. */
    static final long HOST_PAGES = 1L << 28;
    static final int CHUNK_PAGES = 32_768;
    static final long BUDGET_PAGES = 25_600;

    @Param({"1", "16"})
    public int vms;

    private List<VmPageState> states;
    private List<VmDemand> demands;
    private long capacity;
    private final PlacementPlanner planner = new PlacementPlanner(0.1, 1);
    private final FastMemoryAllocator allocator = new FastMemoryAllocator(512);

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom rnd = new SplittableRandom(42);
        capacity = HOST_PAGES / 4;
        states = new ArrayList<>();
        demands = new ArrayList<>();
        long perVm = HOST_PAGES / vms;
        for (int v = 0; v < vms; v++) {
            VmPageState s = new VmPageState("vm" + v, perVm, CHUNK_PAGES);
            long fast = 0;
            for (int c = 0; c < s.chunkCount(); c++) {
                float[] scores = s.scores(c);
                for (int i = 0; i < scores.length; i++) {
                    scores[i] = rnd.nextInt(5) == 0 ? (float) Math.pow(10, rnd.nextDouble() * 8 - 4) : 0f;
                }
                if (rnd.nextInt(50) == 0) {
                    byte[] g = s.guards(c);
                    for (int i = 0; i < g.length; i++) {
                        g[i] = (byte) rnd.nextInt(3);
                    }
                }
            }
            // A quarter of each VM is fast, in random places.
            for (long p = 0; p < perVm && fast < perVm / 4; p += 1 + rnd.nextInt(7)) {
                s.setFast(p, true);
                fast++;
            }
            states.add(s);
            long ws = perVm / (2 + v % 4);
            demands.add(new VmDemand(s.vmId(), MissCurve.of(0, 1.0, ws / 8, 0.5, ws, 0.05, perVm, 0.01),
                    1e7 * (1 + v % 3), 1 + v % 2, 0, perVm, s.fastPages()));
        }
    }

    @Benchmark
    public HostPlacement planPeriod() {
        HostGrant grant = allocator.allocate(capacity, demands);
        List<PlacementPlanner.VmTarget> targets = new ArrayList<>(vms);
        for (int v = 0; v < vms; v++) {
            targets.add(new PlacementPlanner.VmTarget(states.get(v), grant.vms().get(v).fastPages()));
        }
        return planner.plan(capacity, BUDGET_PAGES, targets);
    }

    /** Thread CPU time per plan: args VMs (default 16) and timed plans (default 7), after 3 untimed ones. */
    public static void main(String[] args) {
        PlanBench bench = new PlanBench();
        bench.vms = args.length > 0 ? Integer.parseInt(args[0]) : 16;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        bench.setUp();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 3; i++) {
            bench.planPeriod();
        }
        StringBuilder line = new StringBuilder(bench.vms + " VMs, CPU s per plan:");
        for (int i = 0; i < runs; i++) {
            long start = threads.getCurrentThreadCpuTime();
            HostPlacement plan = bench.planPeriod();
            line.append(String.format(" %.3f", (threads.getCurrentThreadCpuTime() - start) / 1e9));
            if (plan.vms().isEmpty()) {
                throw new AssertionError();
            }
        }
        System.out.println(line);
    }
}
