package io.tierscope.bench.heat;

import io.tierscope.analytics.heat.ChunkHeat;
import io.tierscope.analytics.heat.GapPolicy;
import io.tierscope.analytics.heat.HeatBitmaps;
import io.tierscope.analytics.heat.HeatTable;
import io.tierscope.analytics.heat.ScanOutcome;
import java.util.Random;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * Page updates per second of {@link ChunkHeat#apply} over A-bit bitmaps (the target is
 * >= 200M/s per core: a 1 TiB host, 2^28 pages, in under 1.5 s). One operation = one page updated
 * by one scan period; each invocation scans a whole 1 GiB guest (262144 pages) split into chunks
 * as the topology keys them.
 *
 * <p>Bitmaps: "random" sets each bit with probability 1/2 (no 8-page run can be skipped: the
 * worst case), "guest" is a 10% hot set accessed every period and 1% of the rest (most of memory
 * idle, as in real guests), "idle" sets nothing.
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar FsmScanBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FsmScanBenchmark {
    static final int GUEST_PAGES = 262_144;
    private static final int PERIODS = 8;

    @Param({"32768", "262144"})
    public int chunkPages;

    @Param({"random", "guest"})
    public String bitmaps;

    @Param({"fsm5", "history-k4-hot3"})
    public String classifier;

    private ChunkHeat[] chunks;
    private byte[][][] scans; // [period][chunk] bitmap
    private long seq;

    @Setup(Level.Trial)
    public void setUp() {
        int chunkCount = GUEST_PAGES / chunkPages;
        chunks = new ChunkHeat[chunkCount];
        for (int c = 0; c < chunkCount; c++) {
            chunks[c] = new ChunkHeat(HeatTable.byName(classifier), GapPolicy.IDLE, (long) c * chunkPages, chunkPages);
        }
        Random rnd = new Random(1);
        boolean[] hot = new boolean[GUEST_PAGES];
        for (int p = 0; p < GUEST_PAGES; p++) {
            hot[p] = rnd.nextInt(10) == 0;
        }
        scans = new byte[PERIODS][chunkCount][];
        for (int period = 0; period < PERIODS; period++) {
            for (int c = 0; c < chunkCount; c++) {
                byte[] b = new byte[HeatBitmaps.bytesFor(chunkPages)];
                for (int p = 0; p < chunkPages; p++) {
                    boolean set;
                    switch (bitmaps) {
                        case "random": set = rnd.nextBoolean(); break;
                        case "guest": set = hot[c * chunkPages + p] || rnd.nextInt(100) == 0; break;
                        case "idle": set = false; break;
                        default: throw new IllegalArgumentException("unknown bitmaps " + bitmaps);
                    }
                    if (set) {
                        HeatBitmaps.set(b, p);
                    }
                }
                scans[period][c] = b;
            }
        }
    }

    @Benchmark
    @OperationsPerInvocation(GUEST_PAGES)
    public void scanGuest(Blackhole bh) {
        byte[][] period = scans[(int) (seq % PERIODS)];
        for (int c = 0; c < chunks.length; c++) {
            ScanOutcome outcome = chunks[c].apply(seq, period[c], null);
            bh.consume(outcome);
        }
        seq++;
    }
}
