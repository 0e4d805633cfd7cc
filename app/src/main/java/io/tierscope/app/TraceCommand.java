package io.tierscope.app;

import io.tierscope.cli.StatusLine;
import io.tierscope.workload.AccessBatch;
import io.tierscope.workload.AccessReader;
import io.tierscope.workload.Xwr;
import io.tierscope.workload.trace.BinaryTraceWriter;
import io.tierscope.workload.trace.ReadProgress;
import io.tierscope.workload.trace.TraceFormat;
import io.tierscope.workload.trace.TraceFormatException;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.zip.GZIPOutputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code tierscope trace}: work on page-access trace files. */
@Command(name = "trace", mixinStandardHelpOptions = true,
        description = "Work on page-access trace files (csv, valgrind lackey, Tierscope binary).",
        subcommands = TraceCommand.Convert.class)
public final class TraceCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a subcommand is required (convert)");
    }

    /**
     * {@code tierscope trace convert}: rewrites a trace in another format, accesses and VM names
     * unchanged. The output appears only when the conversion is complete (written beside it, then
     * renamed), so a failed run leaves no truncated trace behind.
     */
    @Command(name = "convert", mixinStandardHelpOptions = true,
            description = "Convert a trace file to another format; accesses, access bits and VM names are kept.",
            footer = {"", "Formats: csv     page,xwr,vm per line (header 'page,xwr,vm')",
                "         lackey  valgrind --tool=lackey --trace-mem=yes output (input only)",
                "         bin     Tierscope binary trace (compact: delta-coded pages per VM)",
                "Input ending in .gz (or gzip content) is decompressed; output ending in .gz is compressed.",
                "Exit codes: 0 done, 1 unreadable or malformed input or unwritable output, 2 bad arguments."})
    static final class Convert implements Callable<Integer> {
        private static final int BATCH = 1 << 14;

        @Spec
        private CommandSpec spec;

        @Option(names = "--in", required = true, paramLabel = "FILE", description = "Trace to read.")
        private Path in;

        @Option(names = "--from", paramLabel = "csv|lackey|bin", description = "Input format (default: from the extension, else the content).")
        private String from;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "Trace to write (replaced if it exists).")
        private Path out;

        @Option(names = "--to", required = true, paramLabel = "csv|bin", description = "Output format.")
        private String to;

        @Override
        public Integer call() throws IOException {
            TraceFormat target = format("--to", to);
            if (target == TraceFormat.LACKEY) {
                throw new ParameterException(spec.commandLine(), "--to lackey is not supported: lackey is an input format (use csv or bin)");
            }
            TraceFormat source = from == null ? null : format("--from", from);
            if (!Files.isRegularFile(in)) {
                return fail(Files.exists(in) ? in + " is not a regular file" : "no such file: " + in);
            }
            if (Files.exists(out) && Files.isSameFile(in, out)) {
                throw new ParameterException(spec.commandLine(), "--out must not be the --in file");
            }
            if (Files.isDirectory(out)) {
                return fail("cannot write " + out + ": it is a directory");
            }
            if (source == null) {
                source = TraceFormat.detect(in);
            }
            Path dir = out.toAbsolutePath().getParent();
            Path partial;
            try {
                // Created first: an unwritable destination fails before any reading.
                partial = Files.createTempFile(dir, "." + out.getFileName(), ".partial");
                partial.toFile().deleteOnExit(); // also on Ctrl-C, which skips the finally below
            } catch (IOException e) {
                return fail("cannot write " + out + ": " + (Files.isDirectory(dir) ? "permission denied in " + dir : "no directory " + dir));
            }
            try {
                long accesses;
                ReadProgress progress = ReadProgress.forFile(in);
                try (AccessReader reader = source.open(in, progress);
                     OutputStream raw = open(partial)) {
                    accesses = copy(reader, raw, target, progress);
                }
                Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                spec.commandLine().getErr().printf(Locale.ROOT, "tierscope trace convert: %,d accesses, %s (%s) -> %s (%s), %,d bytes%n",
                        accesses, in, source.name().toLowerCase(Locale.ROOT), out, target.name().toLowerCase(Locale.ROOT), Files.size(out));
                return 0;
            } catch (TraceFormatException | Unconvertible e) {
                return fail(e.getMessage());
            } finally {
                Files.deleteIfExists(partial);
            }
        }

        private OutputStream open(Path file) throws IOException {
            OutputStream os = Files.newOutputStream(file);
            return out.getFileName().toString().endsWith(".gz") ? new GZIPOutputStream(os, 1 << 16) : os;
        }

        private long copy(AccessReader reader, OutputStream raw, TraceFormat target, ReadProgress progress) throws IOException {
            // Live on a terminal, a plain line now and then when standard error is redirected (as mrc).
            StatusLine status = StatusLine.onStandardError(spec.commandLine().getErr());
            try {
                return copy(reader, raw, target, progress, status);
            } finally {
                status.finish(); // the closing line, or the failure, starts a line of its own
            }
        }

        private long copy(AccessReader reader, OutputStream raw, TraceFormat target, ReadProgress progress, StatusLine status)
                throws IOException {
            AccessBatch batch = new AccessBatch(BATCH);
            long accesses = 0;
            long start = System.nanoTime();
            BinaryTraceWriter bin = target == TraceFormat.BIN ? new BinaryTraceWriter(raw) : null;
            Writer csv = target == TraceFormat.CSV ? new BufferedWriter(new OutputStreamWriter(raw, StandardCharsets.UTF_8), 1 << 16) : null;
            if (csv != null) {
                csv.write("page,xwr,vm\n");
            }
            StringBuilder line = new StringBuilder(64);
            int n;
            while ((n = reader.read(batch)) > 0) {
                if (bin != null) {
                    bin.write(batch, reader);
                } else {
                    for (int i = 0; i < n; i++) {
                        String vm = reader.vmName(batch.vm[i]);
                        if (vm.indexOf(',') >= 0 || vm.indexOf('\n') >= 0) {
                            throw new Unconvertible("VM name '" + vm + "' in " + in + " has a comma or newline: "
                                    + "csv cannot hold it (convert to bin instead)");
                        }
                        line.setLength(0);
                        line.append(batch.gfn[i]).append(',').append(Xwr.letters(batch.xwr[i])).append(',').append(vm).append('\n');
                        csv.append(line);
                    }
                }
                accesses += n;
                if (status.due()) {
                    long elapsedMs = (System.nanoTime() - start) / 1_000_000;
                    status.update(String.format(Locale.ROOT, "trace convert: %s, %,d accesses (%,.0f/s)", StatusLine.fileProgress(
                            progress.bytesRead(), progress.totalBytes(), elapsedMs), accesses, accesses * 1000.0 / Math.max(1, elapsedMs)));
                }
            }
            if (bin != null) {
                bin.close();
            } else {
                csv.close();
            }
            return accesses;
        }

        /** Input the output format cannot represent. */
        private static final class Unconvertible extends IOException {
            Unconvertible(String message) {
                super(message);
            }
        }

        private TraceFormat format(String option, String name) {
            try {
                return TraceFormat.parse(name);
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), option + ": " + e.getMessage());
            }
        }

        private int fail(String message) {
            spec.commandLine().getErr().println("tierscope trace convert: " + message);
            return 1;
        }
    }
}
