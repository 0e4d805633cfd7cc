package io.tierscope.planner;

import static io.tierscope.streams.ConfigValues.doubleValue;
import static io.tierscope.streams.ConfigValues.longValue;

import io.tierscope.analytics.tiering.placement.HeatMemoryScore;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The planner's own settings (Kafka Streams settings pass through unchanged): one place for each
 * key and its default; {@link #from(Map)} rejects bad values naming the key.
 */
public record PlannerConfig(Duration period, Duration grace, long stepPages, int chunkPages, double toleranceRatio,
                            double minScoreGap, double halfLifePeriods) {
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
    /** A slow page replaces a fast one only when its heat score beats the fast page's by this ratio (default 0.1). */
    public static final String TOLERANCE_RATIO = "tierscope.plan.tolerance.ratio";
    /** ... and by at least this much, in units of the one-byte heat score 0..255 ({@link HeatMemoryScore}). */
    public static final String MIN_SCORE_GAP = "tierscope.plan.min.score.gap";
    /**
     * Half-life, in planning periods, of each page's long-memory heat score ({@link HeatMemoryScore}):
     * how long an access keeps ranking a page (default {@link HeatMemoryScore#DEFAULT_HALF_LIFE_PERIODS}).
     */
    public static final String HALF_LIFE_PERIODS = "tierscope.plan.half.life.periods";

    /** Every key above: what a plan --config file may hold besides Kafka's settings. */
    public static final List<String> KEYS = List.of(PERIOD_MS, GRACE_MS, STEP_PAGES, CHUNK_PAGES, TOLERANCE_RATIO,
            MIN_SCORE_GAP, HALF_LIFE_PERIODS);

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
        double tolerance = doubleValue(props, TOLERANCE_RATIO, HeatMemoryScore.DEFAULT_TOLERANCE_RATIO);
        double gap = doubleValue(props, MIN_SCORE_GAP, HeatMemoryScore.DEFAULT_MIN_GAP);
        if (!(tolerance >= 0) || !(gap >= 0) || Double.isInfinite(tolerance) || Double.isInfinite(gap)) {
            throw new IllegalArgumentException(TOLERANCE_RATIO + " and " + MIN_SCORE_GAP + " must be finite and >= 0");
        }
        double halfLife = doubleValue(props, HALF_LIFE_PERIODS, HeatMemoryScore.DEFAULT_HALF_LIFE_PERIODS);
        if (!(halfLife >= 0.5 && halfLife <= 1000)) {
            throw new IllegalArgumentException(HALF_LIFE_PERIODS + " must be 0.5 to 1000 periods, got " + halfLife);
        }
        return new PlannerConfig(Duration.ofMillis(period), Duration.ofMillis(grace), step, (int) chunk, tolerance, gap, halfLife);
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
