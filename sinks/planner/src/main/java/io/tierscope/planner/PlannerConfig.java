package io.tierscope.planner;

import static io.tierscope.streams.ConfigValues.doubleValue;
import static io.tierscope.streams.ConfigValues.longValue;

import io.tierscope.analytics.tiering.placement.HeatMemoryScore;
import io.tierscope.cli.ConfigCheck;
import io.tierscope.streams.ConfigValues;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The planner's own settings (Kafka Streams settings pass through unchanged): one place for each
 * key, its default and check ({@link #DEFINITION}); {@link #from(Map)} rejects bad values naming the key.
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

    /** The keys: type, default, check (naming the key), importance, doc; docs/planner.md's table is generated from it. */
    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(PERIOD_MS, Type.LONG, 60_000L, ConfigCheck.that("", v -> (long) v >= 1_000 && (long) v <= 3_600_000,
                    "1000 to 3600000 ms"), Importance.HIGH,
                    "planning period in event time, 1 s to 1 h: one plan per host per period")
            .define(GRACE_MS, Type.LONG, 5_000L, Importance.MEDIUM,
                    "a period is planned once the host's event time passes its end by this much (0 to the period)")
            .define(STEP_PAGES, Type.LONG, 512L, ConfigCheck.that("", v -> (long) v >= 1, ">= 1"), Importance.LOW,
                    "allocation granularity (512 = one 2 MiB huge page of 4 KiB pages)")
            .define(CHUNK_PAGES, Type.LONG, 32_768L, ConfigCheck.that("", v -> (long) v >= 64 && (long) v <= 1 << 20
                    && (long) v % 64 == 0, "a multiple of 64 up to 1048576"), Importance.MEDIUM,
                    "pages per chunk of the planner's page arrays; use the streams app's `tierscope.heat.chunk.pages`")
            .define(HALF_LIFE_PERIODS, Type.DOUBLE, HeatMemoryScore.DEFAULT_HALF_LIFE_PERIODS,
                    ConfigCheck.that("", v -> (double) v >= 0.5 && (double) v <= 1000, "0.5 to 1000 periods"), Importance.LOW,
                    "half-life of each page's heat score in planning periods (0.5 to 1000): how long an access keeps ranking a page")
            .define(TOLERANCE_RATIO, Type.DOUBLE, HeatMemoryScore.DEFAULT_TOLERANCE_RATIO, finiteAtLeastZero(), Importance.LOW,
                    "a slow page replaces a fast one only when its heat score exceeds the fast page's by this ratio ...")
            .define(MIN_SCORE_GAP, Type.DOUBLE, HeatMemoryScore.DEFAULT_MIN_GAP, finiteAtLeastZero(), Importance.LOW,
                    "... and by at least this much, in heat-score units (0..255; against flapping)");

    /** Every key above: what a plan --config file may hold besides Kafka's settings. */
    public static final List<String> KEYS = List.copyOf(DEFINITION.names());

    /** Reads the keys of {@code props}; missing keys take their {@link #DEFINITION} defaults. */
    public static PlannerConfig from(Map<?, ?> props) {
        long period = longValue(props, DEFINITION, PERIOD_MS);
        long grace = longValue(props, DEFINITION, GRACE_MS);
        if (grace < 0 || grace > period) {
            throw new IllegalArgumentException(GRACE_MS + " must be 0 to the period (" + period + " ms), got " + grace);
        }
        return new PlannerConfig(Duration.ofMillis(period), Duration.ofMillis(grace), longValue(props, DEFINITION, STEP_PAGES),
                (int) longValue(props, DEFINITION, CHUNK_PAGES), doubleValue(props, DEFINITION, TOLERANCE_RATIO),
                doubleValue(props, DEFINITION, MIN_SCORE_GAP), doubleValue(props, DEFINITION, HALF_LIFE_PERIODS));
    }

    private static ConfigDef.Validator finiteAtLeastZero() {
        return ConfigCheck.that("", v -> (double) v >= 0 && !Double.isInfinite((double) v), "finite and >= 0");
    }

    /** Prints docs/planner.md's table of the keys (between its plan-config markers). */
    public static void main(String[] args) {
        System.out.print(ConfigValues.markdown(DEFINITION, ""));
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
