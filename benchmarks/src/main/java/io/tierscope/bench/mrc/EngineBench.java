package io.tierscope.bench.mrc;

import io.tierscope.analytics.mrc.MrcConfig;
import io.tierscope.analytics.mrc.MrcEngine;
import io.tierscope.workload.synthetic.ZipfWorkload;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The per-VM engine as the topology drives it (fixed-size S_max = 8192 on a 4M-page Zipf
 * footprint), plus the size and cost of its snapshot. The setup prints retained bytes and
 * snapshot bytes: the per-VM state budget is 2 MiB whatever the footprint. "fixed-size-8192" is
 * the default sampler (exact head of 8192 pages, SHARDS beyond); "plain-8192" is SHARDS alone.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
public class EngineBench {
    static final int REFS = 1 << 20;
    /** Samples per record as the collector batches them at high rates. */
    static final int BATCH = 4000;

    @Param({"fixed-size-8192", "plain-8192", "exact"})
    public String mode;

    private long[] refs;
    private MrcEngine engine;
    private byte[] snapshot;
    private int next;

    @Setup(Level.Trial)
    public void setup() {
        refs = new long[REFS];
        ZipfWorkload zipf = new ZipfWorkload(5, 0, 4_000_000, 0.8);
        engine = new MrcEngine(77, switch (mode) {
            case "exact" -> MrcConfig.exact();
            case "plain-8192" -> MrcConfig.fixedSize(8192).withHeadPages(0);
            default -> MrcConfig.fixedSize(8192);
        });
        for (int i = 0; i < 4; i++) {
            zipf.generate(refs, new byte[REFS], 0, REFS);
            engine.accept(refs, 0, REFS);
        }
        snapshot = engine.snapshot();
    }

    @TearDown(Level.Trial)
    public void report() {
        System.out.printf("%n%s: tracked %d pages (head %d), retained %d bytes, snapshot %d bytes%n", mode,
                engine.trackedPages(), engine.headPages(), engine.retainedBytes(), engine.snapshot().length);
    }

    @Benchmark
    @OperationsPerInvocation(REFS)
    public long accept() {
        engine.accept(refs, 0, REFS);
        return engine.references();
    }

    /** What the MRC processor does per record under exactly-once: feed one batch, then snapshot the engine. */
    @Benchmark
    public byte[] batchThenSnapshot() {
        if (next + BATCH > REFS) {
            next = 0;
        }
        engine.accept(refs, next, BATCH);
        next += BATCH;
        return engine.snapshot();
    }

    @Benchmark
    public byte[] snapshot() {
        return engine.snapshot();
    }

    @Benchmark
    public MrcEngine restore() {
        return MrcEngine.restore(snapshot);
    }
}
