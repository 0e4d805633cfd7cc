package io.tierscope.bench.mrc;

import io.tierscope.analytics.mrc.ChunkedLruList;
import io.tierscope.analytics.mrc.LruStackDistance;
import io.tierscope.workload.synthetic.UniformWorkload;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Exact LRU stack distances with 64K tracked pages: the O(log n) Fenwick engine against the
 * patent's chunked LRU list (group size sqrt(64K) = 256, its best case). Target: Fenwick
 * >= 10M references/s and >= 10x the chunked list. Scores are references per second.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
public class StackDistanceBench {
    static final int PAGES = 1 << 16;
    static final int REFS = 1 << 20;

    @Param({"uniform", "zipf"})
    public String pattern;

    private long[] refs;
    private LruStackDistance fenwick;
    private ChunkedLruList chunked;

    @Setup(Level.Trial)
    public void setup() {
        refs = new long[REFS];
        byte[] xwr = new byte[REFS];
        if (pattern.equals("uniform")) {
            new UniformWorkload(1, 0, PAGES).generate(refs, xwr, 0, REFS);
        } else {
            new ZipfWorkload(1, 0, PAGES, 0.8).generate(refs, xwr, 0, REFS);
        }
        fenwick = new LruStackDistance(PAGES);
        chunked = new ChunkedLruList(256);
        // Track all 64K pages first so that the measured references are re-references.
        for (long p = 0; p < PAGES; p++) {
            fenwick.access(p);
            chunked.access(p);
        }
    }

    @Benchmark
    @OperationsPerInvocation(REFS)
    public void fenwick(Blackhole bh) {
        long sum = 0;
        for (long r : refs) {
            sum += fenwick.access(r);
        }
        bh.consume(sum);
    }

    @Benchmark
    @OperationsPerInvocation(REFS)
    public void chunkedList(Blackhole bh) {
        long sum = 0;
        for (long r : refs) {
            sum += chunked.access(r);
        }
        bh.consume(sum);
    }
}
