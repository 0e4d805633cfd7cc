package io.tierscope.planner;

import static io.tierscope.streams.ConfigValues.doubleValue;
import static io.tierscope.streams.ConfigValues.longValue;

import java.time.Duration;
import java.util.Map;

/**
 * The planner's own settings (Kafka Streams settings pass through unchanged): one place for each
 * key and its default; {@link #from(Map)} rejects bad values naming the key.
 */
public record PlannerConfig(Duration period, Duration grace, long stepPages, int chunkPages, double toleranceRatio, double minScoreGap) {
    /** Planning period, event time: one plan per host per period, 1 s to 1 h (default 60000). */
    public static final String PERIOD_MS = "tierscope.plan.period.ms";
    /**
     * A period is planned once the host's event time passes its end by this much, so that inputs of
     * the period still on their way through other partitions are in (default 5000, at most the period).
     */
    public static final String GRACE_MS = "tierscope.plan.grace.ms";
    /** Allocation granularity in pages (default 512: a 2 MiB huge page of 4 KiB pages). */
    public static final String STEP_PAGES = "tierscope.plan.step.pages";
    /** Pages per chunk of the planner's page arrays: the streams app's tierscope.heat.chunk.pages (default 32768). */
    public static final String CHUNK_PAGES = "tierscope.plan.chunk.pages";
    /** A slow page replaces a fast one only when its heat beats the fast page's by this ratio (default 0). */
    public static final String TOLERANCE_RATIO = "tierscope.plan.tolerance.ratio";
    /** ... and by at least this many heat states (default 1: one state hotter). */
    public static final String MIN_SCORE_GAP = "tierscope.plan.min.score.gap";

    public static PlannerConfig from(Map<?, ?> props) {
        long period = longValue(props, PERIOD_MS, 60_000);
        if (period < 1_000 || period > 3_600_000) {
            throw new IllegalArgumentException(PERIOD_MS + " must be 1000 to 3600000 ms, got " + period);
        }
        long grace = longValue(props, GRACE_MS, 5_000);
        if (grace < 0 || grace > period) {
            throw new IllegalArgumentException(GRACE_MS + " must be 0 to the period (" + period + " ms), got " + grace);
        }
        long step = longValue(props, STEP_PAGES, 512);
        if (step < 1) {
            throw new IllegalArgumentException(STEP_PAGES + " must be >= 1, got " + step);
        }
        long chunk = longValue(props, CHUNK_PAGES, 32768);
        if (chunk < 64 || chunk > 1 << 20 || chunk % 64 != 0) {
            throw new IllegalArgumentException(CHUNK_PAGES + " must be a multiple of 64 up to 1048576, got " + chunk);
        }
        double tolerance = doubleValue(props, TOLERANCE_RATIO, 0);
        double gap = doubleValue(props, MIN_SCORE_GAP, 1);
        if (!(tolerance >= 0) || !(gap >= 0) || Double.isInfinite(tolerance) || Double.isInfinite(gap)) {
            throw new IllegalArgumentException(TOLERANCE_RATIO + " and " + MIN_SCORE_GAP + " must be finite and >= 0");
        }
        return new PlannerConfig(Duration.ofMillis(period), Duration.ofMillis(grace), step, (int) chunk, tolerance, gap);
    }

    public static PlannerConfig defaults() {
        return from(Map.of());
    }

    /** Start of the period holding event time {@code timeMs}. */
    public long periodStart(long timeMs) {
        long p = period.toMillis();
        return Math.floorDiv(timeMs, p) * p;
    }
}
