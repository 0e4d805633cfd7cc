package io.tierscope.bench.mrc;

import io.tierscope.analytics.mrc.MrcConfig;
import io.tierscope.analytics.mrc.MrcEngine;
import io.tierscope.workload.AccessBatch;
import io.tierscope.workload.AccessReader;
import io.tierscope.workload.synthetic.MixtureWorkload;
import io.tierscope.workload.synthetic.LoopWorkload;
import io.tierscope.workload.synthetic.ZipfWorkload;
import io.tierscope.workload.trace.BinaryTraceWriter;
import io.tierscope.workload.trace.TraceFormat;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What {@code tierscope mrc} does on a 20M-reference trace: read the file (csv or bin) and feed
 * the engine (exact or fixed-size). Single-shot: the score is seconds per whole trace.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
public class OfflineMrcBench {
    static final int REFS = 20_000_000;

    @Param({"bin", "csv"})
    public String format;

    @Param({"exact", "fixed-size-8192"})
    public String mode;

    private Path trace;

    @Setup(Level.Trial)
    public void writeTrace() throws IOException {
        trace = Files.createTempFile("tierscope-bench", "." + (format.equals("bin") ? "tst" : "csv"));
        MixtureWorkload w = new MixtureWorkload(9, List.of(new ZipfWorkload(1, 0, 2_000_000, 0.8),
                new LoopWorkload(10_000_000, 300_000)), new double[] {0.7, 0.3});
        long[] gfn = new long[1 << 16];
        byte[] xwr = new byte[gfn.length];
        if (format.equals("bin")) {
            try (BinaryTraceWriter out = new BinaryTraceWriter(Files.newOutputStream(trace))) {
                int vm = out.vm("bench");
                for (int done = 0; done < REFS; done += gfn.length) {
                    w.generate(gfn, xwr, 0, gfn.length);
                    for (int i = 0; i < gfn.length; i++) {
                        out.write(gfn[i], xwr[i], vm);
                    }
                }
            }
        } else {
            try (BufferedWriter out = Files.newBufferedWriter(trace)) {
                for (int done = 0; done < REFS; done += gfn.length) {
                    w.generate(gfn, xwr, 0, gfn.length);
                    for (int i = 0; i < gfn.length; i++) {
                        out.write(Long.toString(gfn[i]));
                        out.write(",r\n");
                    }
                }
            }
        }
    }

    @TearDown(Level.Trial)
    public void deleteTrace() throws IOException {
        Files.deleteIfExists(trace);
    }

    @Benchmark
    public long wholeTrace() throws IOException {
        MrcEngine engine = new MrcEngine(1, mode.equals("exact") ? MrcConfig.exact() : MrcConfig.fixedSize(8192));
        AccessBatch batch = new AccessBatch(1 << 14);
        try (AccessReader reader = TraceFormat.valueOf(format.toUpperCase()).open(trace)) {
            int n;
            while ((n = reader.read(batch)) > 0) {
                engine.accept(batch.gfn, 0, n);
            }
        }
        return engine.curve(MrcEngine.Histogram.CUMULATIVE).workingSetPages();
    }
}
