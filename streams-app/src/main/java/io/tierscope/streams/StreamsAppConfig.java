package io.tierscope.streams;

import static io.tierscope.streams.ConfigValues.longValue;
import static io.tierscope.streams.ConfigValues.stringValue;

import io.tierscope.cli.ConfigCheck;
import io.tierscope.streams.decode.InputBounds;
import io.tierscope.streams.heat.HeatConfig;
import io.tierscope.streams.mrc.MrcSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The streams app's settings (Kafka Streams' settings pass through unchanged): its own keys, and
 * {@link #from(Map)}, which reads them and the keys of the settings it combines ({@link MrcSettings}
 * owns {@code tierscope.mrc.*}, {@link HeatConfig} {@code tierscope.heat.*}), rejecting bad values
 * with a message naming the key. {@link StreamsConfigTable} combines their tables.
 */
public record StreamsAppConfig(Duration window, Duration grace, String accessFilter, MrcSettings mrc,
                               HeatConfig heat, InputBounds input) {
    /** Tumbling window of the per-VM outputs (10 s to 1 h). */
    public static final String WINDOW_MS = "tierscope.window.ms";
    /** How long after a window's end late batches still count into it. */
    public static final String GRACE_MS = "tierscope.grace.ms";
    /** Access types that count as references: a non-empty subset of "xwr". */
    public static final String ACCESS_FILTER = "tierscope.access.filter";

    // Input event-time bounds (io.tierscope.streams.decode.InputBounds): records outside go to the dead-letter topic.
    /**
     * A record whose event time is more than this ahead of the wall clock is dead-lettered (default 1 h). Keep it
     * at or below the brokers' message.timestamp.after.max.ms (default 1 h), which refuses such writes.
     */
    public static final String INPUT_MAX_AHEAD_MS = "tierscope.input.max.ahead.ms";
    /**
     * A record whose event time is more than this behind the newest event time its stream task has accepted is
     * dead-lettered (default 7 days, the default topic retention; 0 = no bound). Replays of old traces are fine:
     * the bound is relative to the task's own event time, not to the wall clock.
     */
    public static final String INPUT_MAX_BEHIND_MS = "tierscope.input.max.behind.ms";

    /** The app's own keys (window, grace, access filter, input bounds): type, default, importance, doc. */
    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(WINDOW_MS, Type.LONG, 60_000L, Importance.HIGH, "tumbling window of the per-VM outputs, 10 s to 1 h")
            .define(GRACE_MS, Type.LONG, 5_000L, Importance.MEDIUM, "how long late batches still count into a window")
            .define(ACCESS_FILTER, Type.STRING, "xwr", Importance.MEDIUM, "access types that count as references")
            .define(INPUT_MAX_AHEAD_MS, Type.LONG, InputBounds.DEFAULT_MAX_AHEAD_MS,
                    ConfigCheck.that("", v -> (long) v >= 1000, ">= 1000"), Importance.LOW,
                    "a record whose event time is further ahead of the wall clock is dead-lettered (keep it at or below"
                            + " the brokers' `message.timestamp.after.max.ms`)")
            .define(INPUT_MAX_BEHIND_MS, Type.LONG, InputBounds.DEFAULT_MAX_BEHIND_MS,
                    ConfigCheck.that("", v -> (long) v >= 0, ">= 0 (0 = no bound)"), Importance.LOW,
                    "a record further behind the newest event time its task has accepted is dead-lettered; 0 = no bound"
                            + " (replaying yesterday's trace is fine)");

    private static InputBounds inputFrom(Map<?, ?> props) {
        return new InputBounds(longValue(props, DEFINITION, INPUT_MAX_AHEAD_MS), longValue(props, DEFINITION, INPUT_MAX_BEHIND_MS));
    }

    public static final Duration MIN_WINDOW = Duration.ofSeconds(10);
    public static final Duration MAX_WINDOW = Duration.ofHours(1);

    public StreamsAppConfig {
        if (window.compareTo(MIN_WINDOW) < 0 || window.compareTo(MAX_WINDOW) > 0) {
            throw new IllegalArgumentException(WINDOW_MS + " must be between 10000 and 3600000, got " + window.toMillis());
        }
        if (grace.isNegative()) {
            throw new IllegalArgumentException(GRACE_MS + " must be >= 0, got " + grace.toMillis());
        }
        if (accessFilter.isEmpty() || !accessFilter.chars().allMatch(c -> c == 'x' || c == 'w' || c == 'r')) {
            throw new IllegalArgumentException(ACCESS_FILTER + " must be a non-empty subset of \"xwr\", got \"" + accessFilter + "\"");
        }
        if (mrc == null || heat == null || input == null) {
            throw new IllegalArgumentException("MRC, heat and input settings are required");
        }
    }

    /** Window, grace and access filter as given; every other setting at its default. */
    public StreamsAppConfig(Duration window, Duration grace, String accessFilter) {
        this(window, grace, accessFilter, MrcSettings.defaults(), HeatConfig.defaults());
    }

    /** As given, with the default input bounds. */
    public StreamsAppConfig(Duration window, Duration grace, String accessFilter, MrcSettings mrc, HeatConfig heat) {
        this(window, grace, accessFilter, mrc, heat, InputBounds.defaults());
    }

    public StreamsAppConfig withMrc(MrcSettings settings) {
        return new StreamsAppConfig(window, grace, accessFilter, settings, heat, input);
    }

    public StreamsAppConfig withHeat(HeatConfig settings) {
        return new StreamsAppConfig(window, grace, accessFilter, mrc, settings, input);
    }

    public StreamsAppConfig withInput(InputBounds bounds) {
        return new StreamsAppConfig(window, grace, accessFilter, mrc, heat, bounds);
    }

    /** Every key at its default ({@link StreamsConfigTable#DEFINITION}). */
    public static StreamsAppConfig defaults() {
        return from(Map.of());
    }

    /** Reads every {@code tierscope.*} key of {@code props}: the app's own, the MRC settings' and the heat settings'. */
    public static StreamsAppConfig from(Map<?, ?> props) {
        return new StreamsAppConfig(
                Duration.ofMillis(longValue(props, DEFINITION, WINDOW_MS)),
                Duration.ofMillis(longValue(props, DEFINITION, GRACE_MS)),
                stringValue(props, DEFINITION, ACCESS_FILTER),
                MrcSettings.from(props),
                HeatConfig.from(props),
                inputFrom(props));
    }

    public static StreamsAppConfig from(Properties props) {
        return from((Map<?, ?>) props);
    }

    /** The filter as an xwr bit mask (bit0 r, bit1 w, bit2 x). */
    public int accessMask() {
        int mask = 0;
        for (char c : accessFilter.toCharArray()) {
            mask |= c == 'r' ? 1 : c == 'w' ? 2 : 4;
        }
        return mask;
    }

}
