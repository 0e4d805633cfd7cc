package io.tierscope.schemas;

/**
 * The layout of {@code AdScan.scanSeq}, shared by the collector (which numbers scans) and the heat
 * processor (which drops duplicates and counts missed periods by it).
 *
 * <p>A collector run numbers its scan periods 0, 1, 2, ...; a restarted collector would number
 * them from 0 again, and every scan of the new run would look like a replay of the old one. So
 * the sequence carries the run's <em>incarnation</em>, its start time in milliseconds since the
 * epoch, in the high {@value #INCARNATION_BITS} bits (enough until the year 2109), and the run's
 * period counter in the low {@value #COUNTER_BITS} bits: a later run's scans sort after every scan
 * of an earlier one, and a replayed scan keeps its number, so it is still a duplicate.
 *
 * <p>Within one incarnation, the counter gap says how many periods were missed; between two
 * incarnations it says nothing, and {@link #periodsBetween} measures the gap by scan time instead.
 * A run whose counter is used up (2^21 periods: 24 days at 1 s) continues in a new incarnation.
 * Sequences written before this layout (plain counters) are incarnation 0, older than any run since.
 */
public final class ScanSequence {
    public static final int COUNTER_BITS = 21;
    public static final int INCARNATION_BITS = Long.SIZE - 1 - COUNTER_BITS;
    public static final long MAX_COUNTER = (1L << COUNTER_BITS) - 1;
    public static final long MAX_INCARNATION = (1L << INCARNATION_BITS) - 1;

    private ScanSequence() {
    }

    /** The sequence of period {@code counter} of the run that started at {@code incarnationMs}. */
    public static long of(long incarnationMs, long counter) {
        if (incarnationMs < 0 || incarnationMs > MAX_INCARNATION) {
            throw new IllegalArgumentException("scan incarnation must be a time in ms between 0 and " + MAX_INCARNATION
                    + ", got " + incarnationMs);
        }
        if (counter < 0 || counter > MAX_COUNTER) {
            throw new IllegalArgumentException("scan counter must be between 0 and " + MAX_COUNTER + ", got " + counter);
        }
        return incarnationMs << COUNTER_BITS | counter;
    }

    public static long incarnation(long scanSeq) {
        return scanSeq >>> COUNTER_BITS;
    }

    public static long counter(long scanSeq) {
        return scanSeq & MAX_COUNTER;
    }

    /** True when both sequences come from one collector run, so that their difference counts periods. */
    public static boolean sameRun(long a, long b) {
        return incarnation(a) == incarnation(b);
    }

    /**
     * Scan periods missed between a scan at {@code lastTimeMs} and the next one at {@code timeMs},
     * judged by time (for scans of two different runs): the periods that fit between them, less
     * the one the new scan covers, rounded to the nearest period (scan times jitter).
     */
    public static long periodsBetween(long lastTimeMs, long timeMs, int periodMs) {
        if (periodMs <= 0 || timeMs <= lastTimeMs) {
            return 0;
        }
        long periods = (timeMs - lastTimeMs + periodMs / 2) / periodMs;
        return Math.max(0, periods - 1);
    }
}
