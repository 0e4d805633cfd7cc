package io.tierscope.app.bench;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The collector's counters as its periodic line prints them ({@code MetricsSnapshot.format()}), with the wall-clock
 * time the bench read the line: samples and scans published, batches (to turn records of lag into samples).
 */
record CollectorProgress(long atMs, long samplesPublished, long batchesPublished, long scansPublished) {
    static final CollectorProgress NONE = new CollectorProgress(0, 0, 0, 0);
    private static final Pattern LINE = Pattern.compile(
            "up [0-9.]+s samples read=\\d+ published=(\\d+) .*\\| batches=(\\d+) .* scans=(\\d+) ");

    /** The counters in one of the collector's output lines, or null if the line holds none. */
    static CollectorProgress parse(String line, long atMs) {
        Matcher m = LINE.matcher(line);
        if (!m.find()) {
            return null;
        }
        return new CollectorProgress(atMs, Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)));
    }

    /** Samples per SampleBatch record so far (1 before the first batch). */
    double samplesPerBatch() {
        return batchesPublished == 0 ? 1 : (double) samplesPublished / batchesPublished;
    }
}
