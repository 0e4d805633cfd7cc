package io.tierscope.app;

import io.tierscope.analytics.mrc.CacheSizeGrid;
import io.tierscope.analytics.mrc.CurveKnots;
import io.tierscope.analytics.mrc.MissRatioCurve;
import io.tierscope.analytics.mrc.MrcConfig;
import io.tierscope.analytics.mrc.MrcEngine;
import io.tierscope.cli.StatusLine;
import io.tierscope.workload.AccessBatch;
import io.tierscope.workload.AccessReader;
import io.tierscope.workload.trace.TraceFormat;
import io.tierscope.workload.trace.ReadProgress;
import io.tierscope.workload.trace.TraceFormatException;
import java.io.BufferedWriter;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code tierscope mrc}: the MRC engine offline over a trace file. Writes CSV
 * {@code size_pages,size_bytes,miss_ratio} on the standard grid (log-spaced from 1 page plus a
 * linear grid up to the footprint) plus the sizes where the curve bends, so that linear
 * interpolation between rows reads the engine's curve (see {@link CurveKnots}), or with
 * {@code --all} at every size from 1 page to the footprint; with several VMs in the trace a leading {@code vm} column
 * holds each VM's curve, VMs in order of first appearance. Exit codes: 0 done, 1 unreadable or
 * malformed input, 2 bad arguments.
 */
@Command(name = "mrc", mixinStandardHelpOptions = true,
        description = "Compute miss-ratio curves (LRU) from a page-access trace.",
        footer = {"", "Formats: csv     page[,xwr[,vm]] per line",
            "         lackey  valgrind --tool=lackey --trace-mem=yes output",
            "         bin     Tierscope binary trace",
            ".gz input is decompressed transparently.",
            "Output: CSV size_pages,size_bytes,miss_ratio, one row per cache size: the log grid plus every",
            "size where the curve bends, so that linear interpolation between rows stays within 0.0001",
            "(exact) or 0.002 (sampled) of the engine's curve; --all: every size. When the trace holds",
            "several VMs, every row starts with a vm column naming its VM, one curve per VM in order of",
            "first appearance; a summary line per VM goes to standard error.",
            "Exit codes: 0 ok, 1 unreadable or malformed input, 2 bad arguments."})
public final class MrcCommand implements Callable<Integer> {
    static final int EXIT_INPUT = 1;
    private static final int BATCH = 1 << 14;

    @Spec
    CommandSpec spec;

    @Option(names = "--trace", required = true, paramLabel = "FILE", description = "Trace file to read.")
    Path trace;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "csv, lackey or bin (default: from the extension, else the content).")
    String format;

    @ArgGroup(exclusive = true, multiplicity = "0..1")
    Sampling sampling = new Sampling();

    @Option(names = "--out", paramLabel = "FILE", description = "Write the CSV here instead of standard output.")
    Path out;

    @Option(names = "--page-size", paramLabel = "BYTES", defaultValue = "4096",
            description = "Bytes per page for size_bytes (default: ${DEFAULT-VALUE}).")
    int pageSize;

    @Option(names = "--all", description = "Write every cache size from 1 page to the footprint.")
    boolean all;

    @Option(names = "--max-points", paramLabel = "N", defaultValue = "" + CurveKnots.DEFAULT_MAX_POINTS,
            description = "Most rows per curve without --all, log grid included (default: ${DEFAULT-VALUE}); "
                    + "when the bends need more, the summary line says the interpolation error reached.")
    int maxPoints;

    static final class Sampling {
        @Option(names = "--exact", description = "Every page (default).")
        boolean exact;

        @Option(names = "--sample-rate", paramLabel = "R", description = "SHARDS fixed-rate sampling at rate R in (0, 1].")
        Double rate;

        @Option(names = "--sample-size", paramLabel = "S", description = "SHARDS fixed-size sampling, at most S pages per VM.")
        Integer size;
    }

    /** A command line for this command alone whose bad-argument errors are one line (exit 2). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new MrcCommand());
        cl.setParameterExceptionHandler(MrcCommand::oneLineParameterError);
        return cl;
    }

    /** Parameter-error handler printing {@code tierscope mrc: <message>} and returning exit code 2. */
    public static int oneLineParameterError(ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        cl.getErr().println("tierscope " + cl.getCommandName() + ": " + e.getMessage()
                + " (see --help)");
        return cl.getCommandSpec().exitCodeOnInvalidInput();
    }

    @Override
    public Integer call() throws IOException {
        MrcConfig config = config();
        if (Files.isDirectory(trace)) {
            return inputError("--trace " + trace + " is a directory, not a trace file");
        }
        if (out != null) {
            // Checked before the curve is computed, which may take minutes.
            String unwritable = unwritable(out);
            if (unwritable != null) {
                return inputError("cannot write --out " + out + ": " + unwritable);
            }
        }
        TraceFormat fmt;
        try {
            fmt = format != null ? TraceFormat.parse(format) : TraceFormat.detect(trace);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        } catch (NoSuchFileException | AccessDeniedException e) {
            return inputError(unreadable(e));
        }
        List<String> names = new ArrayList<>();
        List<MrcEngine> engines = new ArrayList<>();
        long references;
        try {
            ReadProgress progress = ReadProgress.forFile(trace);
            try (AccessReader reader = fmt.open(trace, progress)) {
                references = run(reader, progress, config, names, engines);
            }
        } catch (TraceFormatException e) {
            return inputError(e.getMessage());
        } catch (NoSuchFileException | AccessDeniedException e) {
            return inputError(unreadable(e));
        } catch (IOException e) {
            return inputError("cannot read " + trace + ": " + e.getMessage());
        }
        if (references == 0) {
            return inputError(trace + " holds no accesses");
        }
        try {
            writeCsv(names, engines);
        } catch (IOException e) {
            return inputError("cannot write " + (out != null ? out : "standard output") + ": " + e.getMessage());
        }
        return 0;
    }

    private MrcConfig config() {
        MrcConfig config;
        if (sampling.rate != null) {
            if (!(sampling.rate > 0 && sampling.rate <= 1)) {
                throw new ParameterException(spec.commandLine(), "--sample-rate must be in (0, 1], got " + sampling.rate);
            }
            config = MrcConfig.fixedRate(sampling.rate);
        } else if (sampling.size != null) {
            if (sampling.size < 1) {
                throw new ParameterException(spec.commandLine(), "--sample-size must be >= 1, got " + sampling.size);
            }
            config = MrcConfig.fixedSize(sampling.size);
        } else {
            config = MrcConfig.exact();
        }
        if (pageSize < 1) {
            throw new ParameterException(spec.commandLine(), "--page-size must be positive, got " + pageSize);
        }
        if (maxPoints < CurveKnots.MIN_MAX_POINTS || maxPoints > CurveKnots.MAX_MAX_POINTS) {
            throw new ParameterException(spec.commandLine(), "--max-points must be in [" + CurveKnots.MIN_MAX_POINTS
                    + ", " + CurveKnots.MAX_MAX_POINTS + "], got " + maxPoints);
        }
        return config.withPageSize(pageSize);
    }

    private long run(AccessReader reader, ReadProgress progress, MrcConfig config, List<String> names,
                     List<MrcEngine> engines) throws IOException {
        // Live on a terminal, a plain line now and then when standard error is redirected.
        StatusLine status = StatusLine.onStandardError(spec.commandLine().getErr());
        AccessBatch batch = new AccessBatch(BATCH);
        long references = 0;
        long start = System.nanoTime();
        int n;
        while ((n = reader.read(batch)) > 0) {
            while (engines.size() < reader.vmCount()) {
                String name = reader.vmName(engines.size());
                names.add(name);
                engines.add(MrcEngine.forVm(name, config));
            }
            int[] vm = batch.vm;
            long[] gfn = batch.gfn;
            for (int i = 0; i < n; i++) {
                engines.get(vm[i]).accept(gfn[i]);
            }
            references += n;
            if (status.due()) {
                long elapsedMs = (System.nanoTime() - start) / 1_000_000;
                status.update(String.format(Locale.ROOT, "mrc: %s, %,d references (%,.0f/s)", StatusLine.fileProgress(
                        progress.bytesRead(), progress.totalBytes(), elapsedMs), references,
                        references * 1000.0 / Math.max(1, elapsedMs)));
            }
        }
        status.finish();
        return references;
    }

    private void writeCsv(List<String> names, List<MrcEngine> engines) throws IOException {
        boolean several = engines.size() > 1;
        try (PrintWriter w = new PrintWriter(openOut())) {
            w.print(several ? "vm,size_pages,size_bytes,miss_ratio\n" : "size_pages,size_bytes,miss_ratio\n");
            for (int v = 0; v < engines.size(); v++) {
                MrcEngine engine = engines.get(v);
                MissRatioCurve c = all
                        ? engine.curve(MrcEngine.Histogram.CUMULATIVE,
                                CacheSizeGrid.every(engine.curveMaxPages(MrcEngine.Histogram.CUMULATIVE)))
                        : engine.curve(MrcEngine.Histogram.CUMULATIVE, maxPoints);
                String prefix = several ? csvField(names.get(v)) + "," : "";
                for (int i = 0; i < c.points(); i++) {
                    w.print(prefix + c.sizePages()[i] + "," + c.sizeBytes(i) + ","
                            + String.format(Locale.ROOT, "%.6f", c.missRatio()[i]) + "\n");
                }
                spec.commandLine().getErr().printf(Locale.ROOT, "%s: %,d references, footprint ~%,d pages, working set ~%,d pages, "
                        + "cold-miss ratio %.4f, sampling rate %.5f, %,d points%s%n", names.get(v), c.references(),
                        Math.round(c.footprintPages()), c.workingSetPages(), c.coldMissRatio(), c.samplingRate(),
                        c.points(), all ? " (every size)" : String.format(Locale.ROOT,
                                " (linear interpolation within %.2g of the engine's curve)", c.interpolationError()));
            }
            if (w.checkError()) {
                throw new IOException("writing the CSV failed" + (out != null ? " (" + out + ")" : ""));
            }
        }
    }

    private Writer openOut() throws IOException {
        if (out == null) {
            // Closing the CSV writer must flush standard output, not close it.
            return new BufferedWriter(new OutputStreamWriter(new FilterOutputStream(System.out) {
                @Override
                public void close() throws IOException {
                    flush();
                }
            }, StandardCharsets.UTF_8));
        }
        return Files.newBufferedWriter(out, StandardCharsets.UTF_8);
    }

    private static String csvField(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    /** Why {@code file} cannot be created or replaced, or null if it can. */
    private static String unwritable(Path file) {
        if (Files.isDirectory(file)) {
            return "it is a directory";
        }
        Path dir = file.toAbsolutePath().getParent();
        if (!Files.isDirectory(dir)) {
            return "no directory " + dir;
        }
        if (Files.exists(file) ? !Files.isWritable(file) : !Files.isWritable(dir)) {
            return "permission denied";
        }
        return null;
    }

    private String unreadable(IOException e) {
        return e instanceof NoSuchFileException ? "no such file: " + trace : "cannot read " + trace + ": permission denied";
    }

    private int inputError(String message) {
        spec.commandLine().getErr().println("tierscope mrc: " + message);
        return EXIT_INPUT;
    }
}
