package io.tierscope.bench.mrc;

import io.tierscope.analytics.sampling.SpatialFilter;
import io.tierscope.workload.synthetic.UniformWorkload;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** The spatial pre-filter on batches of 64K references at rate 1%. Target >= 100M references/s. */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
public class SamplingFilterBench {
    static final int BATCH = 1 << 16;

    private long[] source;
    private long[] gfn;
    private byte[] xwr;
    private SpatialFilter filter;

    @Setup(Level.Trial)
    public void setup() {
        source = new long[BATCH];
        new UniformWorkload(3, 0, 1L << 28).generate(source, new byte[BATCH], 0, BATCH);
        gfn = new long[BATCH];
        xwr = new byte[BATCH];
        filter = SpatialFilter.forRate("vm-bench", 0.01);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int filterBatch() {
        // filter() compacts in place, so start every invocation from the same input.
        System.arraycopy(source, 0, gfn, 0, BATCH);
        return filter.filter(gfn, xwr, BATCH);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public int countSampled() {
        int n = 0;
        for (long g : source) {
            n += filter.test(g) ? 1 : 0;
        }
        return n;
    }
}
