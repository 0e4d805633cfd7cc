package io.tierscope.bench.heat;

import io.tierscope.analytics.heat.ChunkHeat;
import io.tierscope.analytics.heat.GapPolicy;
import io.tierscope.analytics.heat.HeatBitmaps;
import io.tierscope.analytics.heat.HeatTable;
import io.tierscope.analytics.heat.ScanOutcome;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Page updates per second of what the heat topology does per applied scan piece
 * (io.tierscope.streams.heat.HeatChunks): restore the chunk from its store snapshot, copy the
 * states to detect change, apply the scan, compare, snapshot back ("roundTrip"), against the bare
 * engine on a chunk kept in memory ("inMemory"). The difference is the price of keeping nothing but
 * the changelogged store; "writeThrough" is what the topology does with the chunk kept live between scans
 * (io.tierscope.streams.heat.LiveChunks): no restore, the snapshot still written. One operation = one page of one scan. "guest" bitmaps: a 10% hot set
 * accessed every period and 1% of the rest.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar HeatStoreRoundTripBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HeatStoreRoundTripBenchmark {
    private static final int PERIODS = 8;

    /** The topology's default chunk (tierscope.heat.chunk.pages). */
    static final int CHUNK_PAGES = 32_768;

    private ChunkHeat live;
    private byte[] stored;
    private byte[][] scans;
    private long seq;

    @Setup
    public void setUp() {
        Random rnd = new Random(1);
        boolean[] hot = new boolean[CHUNK_PAGES];
        for (int p = 0; p < CHUNK_PAGES; p++) {
            hot[p] = rnd.nextInt(10) == 0;
        }
        scans = new byte[PERIODS][];
        for (int period = 0; period < PERIODS; period++) {
            byte[] b = new byte[HeatBitmaps.bytesFor(CHUNK_PAGES)];
            for (int p = 0; p < CHUNK_PAGES; p++) {
                if (hot[p] || rnd.nextInt(100) == 0) {
                    HeatBitmaps.set(b, p);
                }
            }
            scans[period] = b;
        }
        live = new ChunkHeat(HeatTable.fsm5(), GapPolicy.IDLE, 0, CHUNK_PAGES);
        stored = live.snapshot();
    }

    @Benchmark
    @OperationsPerInvocation(CHUNK_PAGES)
    public void inMemory(Blackhole bh) {
        bh.consume(live.apply(seq, scans[(int) (seq++ % PERIODS)], null));
    }

    @Benchmark
    @OperationsPerInvocation(CHUNK_PAGES)
    public void roundTrip(Blackhole bh) {
        ChunkHeat chunk = ChunkHeat.restore(stored, GapPolicy.IDLE);
        byte[] before = chunk.accessStates();
        ScanOutcome outcome = chunk.apply(seq, scans[(int) (seq++ % PERIODS)], null);
        bh.consume(Arrays.equals(before, chunk.accessStates()));
        bh.consume(outcome);
        stored = chunk.snapshot();
    }

    @Benchmark
    @OperationsPerInvocation(CHUNK_PAGES)
    public void writeThrough(Blackhole bh) {
        byte[] before = live.accessStates();
        ScanOutcome outcome = live.apply(seq, scans[(int) (seq++ % PERIODS)], null);
        bh.consume(Arrays.equals(before, live.accessStates()));
        bh.consume(outcome);
        stored = live.snapshot();
    }
}
