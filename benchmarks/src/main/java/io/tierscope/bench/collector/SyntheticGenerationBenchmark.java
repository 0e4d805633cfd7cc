package io.tierscope.bench.collector;

import io.tierscope.collector.source.ScanSink;
import io.tierscope.collector.source.SyntheticShape;
import io.tierscope.collector.source.SyntheticVm;
import io.tierscope.workload.AccessBatch;
import io.tierscope.workload.synthetic.SyntheticWorkload;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The synthetic source's own cost per sample (the part of {@code collect --source synthetic} a real host's
 * collector does not pay): drawing a block of 4,096 accesses from a shape's generator, and the same through a
 * {@link SyntheticVm} that also marks them into the period's A/D bitmaps (a scan every 100,000 samples, taken at
 * once). Time per sample.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class SyntheticGenerationBenchmark {
    private static final int BLOCK = 4096;

    /** The bench's shape, Zipf without the write mix, and uniform. */
    @Param({"zipf:pages=262144,s=1.0,writes=0.2", "zipf:pages=262144,s=1.0,writes=0", "uniform:pages=262144,writes=0.2"})
    public String shape;

    private SyntheticWorkload workload;
    private SyntheticVm vm;
    private final AccessBatch block = new AccessBatch(BLOCK);
    private final ScanSink discard = (base, pages, accessed, dirty) -> { };

    @Setup(Level.Trial)
    public void setUp() {
        SyntheticShape s = SyntheticShape.parse(shape);
        workload = s.build(1);
        vm = new SyntheticVm("vm", s.build(1), s.pages(), -1, 100_000, 1000, SyntheticVm.DEFAULT_CHUNK_PAGES,
                SyntheticVm.LatePeriods.MERGE);
    }

    @Benchmark
    @OperationsPerInvocation(BLOCK)
    public long generate() {
        workload.generate(block.gfn, block.xwr, 0, BLOCK);
        return block.gfn[BLOCK - 1];
    }

    @Benchmark
    @OperationsPerInvocation(BLOCK)
    public int generateAndMark() throws Exception {
        int n = vm.read(block);
        if (vm.scans() != null && n < BLOCK) {
            vm.scans().scan(discard); // a period closed: hand it out (its cost counted too, spread over the period)
        }
        return n;
    }
}
