package io.tierscope.workload.trace;

import io.tierscope.workload.AccessReader;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/** The trace formats the project reads, and how to tell them apart. */
public enum TraceFormat {
    /** {@code page[,xwr[,vm]]} per line, see {@link CsvTraceReader}. */
    CSV,
    /** valgrind lackey {@code --trace-mem=yes} output, see {@link LackeyTraceReader}. */
    LACKEY,
    /** The compact binary format, see {@link BinaryTrace}. */
    BIN;

    /**
     * Guesses the format of {@code path}: by extension first ({@code .csv}, {@code .lackey},
     * {@code .tst}/{@code .bin}, each optionally followed by {@code .gz}), else by content: the
     * binary magic, a lackey access line, or csv.
     */
    public static TraceFormat detect(Path path) throws IOException {
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".gz")) {
            name = name.substring(0, name.length() - 3);
        }
        if (name.endsWith(".csv")) {
            return CSV;
        }
        if (name.endsWith(".lackey")) {
            return LACKEY;
        }
        if (name.endsWith(".tst") || name.endsWith(".bin")) {
            return BIN;
        }
        try (InputStream in = TraceInput.open(path)) {
            return detect(in);
        }
    }

    /** Guesses the format from the first bytes of (already decompressed) content. */
    static TraceFormat detect(InputStream content) throws IOException {
        BufferedInputStream in = new BufferedInputStream(content, 4096);
        byte[] head = TraceInput.peek(in, 4096);
        if (head.length >= 4 && head[0] == 'T' && head[1] == 'S' && head[2] == 'T' && head[3] == 'R') {
            return BIN;
        }
        for (String line : new String(head, StandardCharsets.ISO_8859_1).split("\n")) {
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("==") || t.startsWith("--") || t.startsWith("#")) {
                continue;
            }
            return t.matches("[ILSM]\\s+[0-9a-fA-F]+,\\d+") ? LACKEY : CSV;
        }
        return CSV;
    }

    /** Opens {@code path} (gzip or not) as a reader of this format. */
    public AccessReader open(Path path) throws IOException {
        return open(TraceInput.open(path), path.toString());
    }

    /** {@link #open(Path)}, counting the file's bytes as read into {@code progress} (see {@link ReadProgress#forFile}). */
    public AccessReader open(Path path, ReadProgress progress) throws IOException {
        return open(TraceInput.open(path, progress), path.toString());
    }

    /** Reads decompressed {@code content}; {@code source} names it in error messages. */
    public AccessReader open(InputStream content, String source) throws IOException {
        return switch (this) {
            case CSV -> new CsvTraceReader(content, source);
            case LACKEY -> new LackeyTraceReader(content, source);
            case BIN -> new BinaryTraceReader(content, source);
        };
    }

    /** Parses a user-given format name (case-insensitive). */
    public static TraceFormat parse(String name) {
        for (TraceFormat f : values()) {
            if (f.name().equalsIgnoreCase(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown trace format '" + name + "' (expected csv, lackey or bin)");
    }
}
