package io.tierscope.bench.heat;

import io.tierscope.analytics.heat.ChunkTemperature;
import io.tierscope.analytics.heat.HeatBitmaps;
import io.tierscope.analytics.heat.TemperatureModel;
import io.tierscope.analytics.heat.TemperatureRanking;
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

/**
 * The decayed-temperature scorer on a 1 GiB guest (262144 pages, chunks of 32768): page updates/s
 * for one scan period of a "guest" bitmap (10% hot set + 1% of the rest), and pages ranked/s for
 * the hot set by fraction (the migration planner's question).
 *
 * <pre>java -jar benchmarks/target/benchmarks.jar TemperatureScanBenchmark -f 1 -wi 2 -i 3 -w 1s -r 1s</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TemperatureScanBenchmark {
    private static final int GUEST_PAGES = FsmScanBenchmark.GUEST_PAGES;
    private static final int CHUNK = 32_768;

    private ChunkTemperature[] chunks;
    private byte[][] scan;
    private long seq;

    @Setup
    public void setUp() {
        TemperatureModel model = new TemperatureModel(1000, 4f, 2f, 1f);
        Random rnd = new Random(3);
        chunks = new ChunkTemperature[GUEST_PAGES / CHUNK];
        scan = new byte[chunks.length][];
        for (int c = 0; c < chunks.length; c++) {
            chunks[c] = new ChunkTemperature(model, (long) c * CHUNK, CHUNK);
            scan[c] = new byte[HeatBitmaps.bytesFor(CHUNK)];
            for (int p = 0; p < CHUNK; p++) {
                if (rnd.nextInt(10) == 0 || rnd.nextInt(100) == 0) {
                    HeatBitmaps.set(scan[c], p);
                }
            }
        }
        for (int i = 0; i < 3; i++) {
            scanGuest();
        }
    }

    @Benchmark
    @OperationsPerInvocation(GUEST_PAGES)
    public long scanGuest() {
        for (int c = 0; c < chunks.length; c++) {
            chunks[c].applyScan(seq, seq * 1000, scan[c], null);
        }
        return seq++;
    }

    @Benchmark
    @OperationsPerInvocation(GUEST_PAGES)
    public long[] hotTenPercent() {
        return TemperatureRanking.hotByFraction(Arrays.asList(chunks), seq * 1000, 0.1);
    }

}
