package io.tierscope.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.analytics.mrc.CacheSizeGrid;
import io.tierscope.analytics.mrc.MissRatioCurve;
import io.tierscope.analytics.mrc.MrcConfig;
import io.tierscope.analytics.mrc.MrcEngine;
import io.tierscope.workload.trace.BinaryTraceWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MrcCommandTest {
    @TempDir
    Path dir;
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cl = MrcCommand.commandLine();
        cl.setErr(new PrintWriter(err, true));
        return cl.execute(args);
    }

    @Test
    void exactCurveOfACsvTraceMatchesTheEngine() throws IOException {
        StringBuilder csv = new StringBuilder("page,xwr\n");
        MrcEngine engine = MrcEngine.forVm("default", MrcConfig.exact().withPageSize(8192));
        for (int i = 0; i < 2000; i++) {
            long page = (i * 7L) % 50 + (i % 3 == 0 ? 100 : 0);
            csv.append(page).append(",r\n");
            engine.accept(page);
        }
        Path trace = dir.resolve("t.csv");
        Files.writeString(trace, csv);
        Path out = dir.resolve("mrc.csv");
        assertEquals(0, run("--trace", trace.toString(), "--out", out.toString(), "--page-size", "8192"), err.toString());
        List<String> lines = Files.readAllLines(out);
        assertEquals("size_pages,size_bytes,miss_ratio", lines.get(0));
        MissRatioCurve want = engine.curve(MrcEngine.Histogram.CUMULATIVE);
        assertEquals(want.points() + 1, lines.size());
        for (int i = 0; i < want.points(); i++) {
            String[] f = lines.get(i + 1).split(",");
            assertEquals(want.sizePages()[i], Long.parseLong(f[0]));
            assertEquals(want.sizePages()[i] * 8192, Long.parseLong(f[1]));
            assertEquals(want.missRatio()[i], Double.parseDouble(f[2]), 1e-6);
        }
        assertTrue(err.toString().contains("default: 2,000 references"), err.toString());
    }

    @Test
    void severalVmsGetAVmColumnAndGzipBinaryInputWorks() throws IOException {
        Path trace = dir.resolve("t.tst.gz");
        try (BinaryTraceWriter w = new BinaryTraceWriter(new GZIPOutputStream(Files.newOutputStream(trace)))) {
            int a = w.vm("vm-a");
            int b = w.vm("vm,b");
            for (int i = 0; i < 1000; i++) {
                w.write(i % 10, 1, a);
                w.write(i % 40, 2, b);
            }
        }
        Path out = dir.resolve("mrc.csv");
        assertEquals(0, run("--trace", trace.toString(), "--sample-rate", "1", "--out", out.toString()), err.toString());
        List<String> lines = Files.readAllLines(out);
        assertEquals("vm,size_pages,size_bytes,miss_ratio", lines.get(0));
        assertTrue(lines.contains("vm-a,10,40960,0.010000"), lines.toString());
        assertTrue(lines.contains("\"vm,b\",40,163840,0.040000"), lines.toString());
        assertTrue(lines.contains("\"vm,b\",39,159744,1.000000"), lines.toString());
    }

    @Test
    void lackeyFormatCanBeForcedAndSampledRunsWork() throws IOException {
        Path trace = dir.resolve("trace.txt");
        StringBuilder s = new StringBuilder("==1== Lackey\n");
        for (int i = 0; i < 5000; i++) {
            s.append(" L ").append(Long.toHexString((i % 300) * 4096L + 8)).append(",8\n");
        }
        Files.writeString(trace, s);
        Path out = dir.resolve("o.csv");
        assertEquals(0, run("--trace", trace.toString(), "--format", "LACKEY", "--sample-size", "64",
                "--out", out.toString()), err.toString());
        assertEquals("size_pages,size_bytes,miss_ratio", Files.readAllLines(out).get(0));
    }

    @Test
    void malformedInputNamesLineAndContentWithExitCode1() throws IOException {
        Path trace = dir.resolve("bad.csv");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(dir.resolve("bad.csv.gz")))) {
            o.write("1\n2\nzz,r\n".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(1, run("--trace", dir.resolve("bad.csv.gz").toString()));
        assertTrue(err.toString().contains("bad.csv.gz:3") && err.toString().contains("'zz,r'"), err.toString());
        assertEquals(1, run("--trace", trace.toString()));
        assertTrue(err.toString().contains("no such file"), err.toString());
    }

    @Test
    void badArgumentsGiveOneLineAndExitCode2() {
        assertEquals(2, run("--trace", "x.csv", "--sample-rate", "1.5"));
        assertEquals(2, run("--trace", "x.csv", "--exact", "--sample-size", "10"));
        assertEquals(2, run("--trace", "x.csv", "--format", "xml"));
        assertEquals(2, run("--sample-size", "10"));
        String[] lines = err.toString().strip().split("\n");
        assertEquals(4, lines.length, err.toString());
        assertTrue(lines[0].startsWith("tierscope mrc: --sample-rate must be in (0, 1]"), lines[0]);
        assertEquals(0, run("--help"));
    }

    /** A loop of 300 pages with noise: --all writes every size with the engine's value; the default rows carry the cliff. */
    @Test
    void allWritesEverySizeAndTheDefaultRowsCarryTheCliff() throws IOException {
        StringBuilder csv = new StringBuilder();
        MrcEngine engine = MrcEngine.forVm("default", MrcConfig.exact());
        java.util.Random r = new java.util.Random(5);
        for (int i = 0; i < 30_000; i++) {
            long page = r.nextInt(10) == 0 ? 300 + r.nextInt(2000) : i % 300;
            csv.append(page).append('\n');
            engine.accept(page);
        }
        Path trace = dir.resolve("loop.csv");
        Files.writeString(trace, csv);
        long max = engine.curveMaxPages(MrcEngine.Histogram.CUMULATIVE);
        double[] want = engine.curve(MrcEngine.Histogram.CUMULATIVE, CacheSizeGrid.every(max)).missRatio();

        Path every = dir.resolve("all.csv");
        assertEquals(0, run("--trace", trace.toString(), "--all", "--out", every.toString()), err.toString());
        List<String> rows = Files.readAllLines(every);
        assertEquals(max + 1, rows.size());
        for (int c = 1; c <= max; c++) {
            String[] f = rows.get(c).split(",");
            assertEquals(c, Long.parseLong(f[0]));
            assertEquals(want[c - 1], Double.parseDouble(f[2]), 1e-6, "size " + c);
        }

        Path knots = dir.resolve("knots.csv");
        assertEquals(0, run("--trace", trace.toString(), "--max-points", "4096", "--out", knots.toString()), err.toString());
        List<String> lines = Files.readAllLines(knots);
        long[] x = new long[lines.size() - 1];
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            String[] f = lines.get(i + 1).split(",");
            x[i] = Long.parseLong(f[0]);
            y[i] = Double.parseDouble(f[2]);
        }
        assertTrue(x.length < max / 2, x.length + " rows");
        for (int s = 0; s + 1 < x.length; s++) {
            for (long c = x[s]; c <= x[s + 1]; c++) {
                double read = y[s] + (y[s + 1] - y[s]) * (c - x[s]) / (x[s + 1] - x[s]);
                // 1e-4 of the engine's curve, plus the CSV's 6-decimal rounding.
                assertEquals(want[(int) c - 1], read, 1e-4 + 1e-6, "size " + c);
            }
        }
        assertTrue(err.toString().contains("points (linear interpolation within"), err.toString());
    }

    @Test
    void maxPointsIsRangeChecked() {
        assertEquals(2, run("--trace", "x.csv", "--max-points", "1"));
        assertTrue(err.toString().startsWith("tierscope mrc: --max-points must be in [2, 65536], got 1"), err.toString());
    }

    @Test
    void standardGridCoversLogAndLinearSizes() {
        long[] g = CacheSizeGrid.standard(1000).pages();
        assertEquals(1, g[0]);
        assertEquals(1000, g[g.length - 1]);
    }
}
