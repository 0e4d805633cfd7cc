package io.tierscope.app.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time and memory of one process as Linux reports them in /proc/PID/stat and /proc/PID/status.
 *
 * @param cpuSeconds user + system CPU time so far
 * @param rssBytes   resident set size now
 * @param peakRssBytes the highest resident set size so far (VmHWM)
 */
record ProcUsage(double cpuSeconds, long rssBytes, long peakRssBytes) {
    /** Clock ticks per second of /proc/PID/stat's times: 100 on every Linux architecture Java runs on. */
    private static final double TICKS_PER_SECOND = 100.0;
    static final ProcUsage NONE = new ProcUsage(0, 0, 0);

    /** The process's usage now, or {@link #NONE} once it has gone (or off Linux). */
    static ProcUsage of(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // Fields after the command name (which may hold spaces) start at field 3, "state".
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            double cpu = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
            long rss = 0;
            long peak = 0;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = kiloBytes(line);
                } else if (line.startsWith("VmHWM:")) {
                    peak = kiloBytes(line);
                }
            }
            return new ProcUsage(cpu, rss, peak);
        } catch (IOException | RuntimeException gone) {
            return NONE;
        }
    }

    private static long kiloBytes(String statusLine) {
        return Long.parseLong(statusLine.replaceAll("[^0-9]", "")) * 1024;
    }
}
