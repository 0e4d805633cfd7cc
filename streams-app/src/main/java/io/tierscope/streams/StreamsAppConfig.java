package io.tierscope.streams;

import static io.tierscope.streams.ConfigValues.doubleValue;
import static io.tierscope.streams.ConfigValues.longValue;

import io.tierscope.streams.decode.InputBounds;
import io.tierscope.streams.heat.HeatConfig;
import io.tierscope.analytics.mrc.CurveKnots;
import io.tierscope.analytics.mrc.MrcConfig;
import io.tierscope.streams.mrc.MrcSettings;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

/**
 * The streams app's own settings (Kafka Streams' settings pass through unchanged). One place
 * for every key and default; {@link #from(Map)} rejects bad values with a message naming the key.
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

    // Heat topology (io.tierscope.streams.heat; parsed and checked by HeatConfig).
    /** Pages per heat chunk (store entry, PAGE_HEAT record): a multiple of 8 in [8, 65536]; scans must start on a chunk boundary. */
    public static final String HEAT_CHUNK_PAGES = "tierscope.heat.chunk.pages";
    /** Heat classifier: fsm5, fsm5-conservative or history-k{k}-hot{n}. */
    public static final String HEAT_CLASSIFIER = "tierscope.heat.classifier";
    /** Missed scan periods: "idle" (count as periods without access) or "ignore". */
    public static final String HEAT_GAP_POLICY = "tierscope.heat.gap.policy";
    /** Heat state of a chunk (and of a VM) without scans for this long (scan event time) is deleted. */
    public static final String HEAT_TTL_MS = "tierscope.heat.ttl.ms";
    /** Hottest pages listed per VM in each heat summary (0 to 1000). */
    public static final String HEAT_SUMMARY_HOTTEST = "tierscope.heat.summary.hottest";
    /** What drives heat: "scans" (A/D scans, default) or "samples" (sampled pages per period). */
    public static final String HEAT_SOURCE = "tierscope.heat.source";
    /** With samples driving heat: the period whose sampled pages count as accessed (10 ms to 1 h, default 1000). */
    public static final String HEAT_SAMPLE_PERIOD_MS = "tierscope.heat.sample.period.ms";

    // --- MRC topology (io.tierscope.streams.mrc) ---
    /** Spatial sampling of the per-VM MRC: exact | rate:R | size:S (default size:8192). */
    public static final String MRC_SAMPLING = "tierscope.mrc.sampling";
    /** Temporal sampling: a page counts at most once per this many ms of event time (0 = off, the default). */
    public static final String MRC_TEMPORAL_PERIOD_MS = "tierscope.mrc.temporal.period.ms";
    /** The long-horizon curve published besides each window's: cumulative (default) | decayed. */
    public static final String MRC_CURVE = "tierscope.mrc.curve";
    /** Decayed curve: weight of the history at every window close, in (0, 1] (default 0.5). */
    public static final String MRC_DECAY = "tierscope.mrc.decay";
    /** Bytes per guest page, for curve sizes in bytes (default 4096). */
    public static final String PAGE_SIZE_BYTES = "tierscope.page.size.bytes";
    /**
     * K, the most recently used pages whose reuses a sampled MRC engine measures exactly beside its
     * spatial sample, 0 to 65536 (0 = plain SHARDS; default 8192).
     */
    public static final String MRC_HEAD_PAGES = "tierscope.mrc.head.pages";
    /**
     * Drop a VM's MRC state and its ingest-stats bookkeeping this long (event time) after its last window;
     * 0 = never (default 24 h).
     */
    public static final String MRC_IDLE_RETENTION_MS = "tierscope.mrc.idle.retention.ms";
    /**
     * Most MRC engines a stream task keeps deserialized in memory (default 64; about 2.8 MiB of heap each with the
     * default sampling, measured); the least recently used beyond are read back from the engines store when their
     * VM sends again. Bounds heap whatever the VMs per task.
     */
    public static final String MRC_CACHED_ENGINES = "tierscope.mrc.cached.engines";
    /**
     * Most points per published MRC, 2 to 65536 (default 512), the log grid included: the sizes where the curve
     * bends fill the rest, so linear interpolation stays within 0.002 of the engine's curve (exact: 0.0001);
     * when they do not fit, the bound achieved is the curve's interpolationError.
     */
    public static final String MRC_MAX_POINTS = "tierscope.mrc.max.points";

    private static MrcSettings mrcFrom(Map<?, ?> props) {
        MrcSettings d = MrcSettings.defaults();
        MrcConfig engine = props.get(MRC_SAMPLING) == null ? d.engine()
                : MrcSettings.sampling(MRC_SAMPLING, props.get(MRC_SAMPLING).toString());
        long period = longValue(props, MRC_TEMPORAL_PERIOD_MS, 0);
        if (period < 0) {
            throw new IllegalArgumentException(MRC_TEMPORAL_PERIOD_MS + " must be >= 0 (0 = off), got " + period);
        }
        double decay = doubleValue(props, MRC_DECAY, d.engine().decay());
        if (!(decay > 0 && decay <= 1)) {
            throw new IllegalArgumentException(MRC_DECAY + " must be in (0, 1], got " + decay);
        }
        long pageSize = longValue(props, PAGE_SIZE_BYTES, d.engine().pageSize());
        if (pageSize < 1 || pageSize > Integer.MAX_VALUE || Long.bitCount(pageSize) != 1) {
            throw new IllegalArgumentException(PAGE_SIZE_BYTES + " must be a power of two, got " + pageSize);
        }
        long head = longValue(props, MRC_HEAD_PAGES, d.engine().headPages());
        if (head < 0 || head > MrcConfig.MAX_HEAD_PAGES) {
            throw new IllegalArgumentException(MRC_HEAD_PAGES + " must be in [0, " + MrcConfig.MAX_HEAD_PAGES + "], got " + head);
        }
        long retention = longValue(props, MRC_IDLE_RETENTION_MS, d.idleRetentionMs());
        if (retention < 0) {
            throw new IllegalArgumentException(MRC_IDLE_RETENTION_MS + " must be >= 0 (0 = forever), got " + retention);
        }
        long cached = longValue(props, MRC_CACHED_ENGINES, d.cachedEngines());
        if (cached < 1 || cached > 1_000_000) {
            throw new IllegalArgumentException(MRC_CACHED_ENGINES + " must be in [1, 1000000], got " + cached);
        }
        long maxPoints = longValue(props, MRC_MAX_POINTS, d.maxPoints());
        if (maxPoints < CurveKnots.MIN_MAX_POINTS || maxPoints > CurveKnots.MAX_MAX_POINTS) {
            throw new IllegalArgumentException(MRC_MAX_POINTS + " must be in [" + CurveKnots.MIN_MAX_POINTS + ", "
                    + CurveKnots.MAX_MAX_POINTS + "], got " + maxPoints);
        }
        return new MrcSettings(engine.withTemporalPeriod(period).withDecay(decay).withPageSize((int) pageSize)
                        .withHeadPages((int) head),
                props.get(MRC_CURVE) == null ? d.longCurve() : MrcSettings.longCurve(MRC_CURVE, props.get(MRC_CURVE).toString()),
                retention, (int) cached, (int) maxPoints);
    }

    // --- end MRC topology ---

    private static InputBounds inputFrom(Map<?, ?> props) {
        InputBounds d = InputBounds.defaults();
        long ahead = longValue(props, INPUT_MAX_AHEAD_MS, d.maxAheadMs());
        if (ahead < 1000) {
            throw new IllegalArgumentException(INPUT_MAX_AHEAD_MS + " must be >= 1000, got " + ahead);
        }
        long behind = longValue(props, INPUT_MAX_BEHIND_MS, d.maxBehindMs());
        if (behind < 0) {
            throw new IllegalArgumentException(INPUT_MAX_BEHIND_MS + " must be >= 0 (0 = no bound), got " + behind);
        }
        return new InputBounds(ahead, behind);
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

    public static StreamsAppConfig defaults() {
        return new StreamsAppConfig(Duration.ofSeconds(60), Duration.ofSeconds(5), "xwr");
    }

    public static StreamsAppConfig from(Map<?, ?> props) {
        StreamsAppConfig d = defaults();
        return new StreamsAppConfig(
                Duration.ofMillis(longValue(props, WINDOW_MS, d.window.toMillis())),
                Duration.ofMillis(longValue(props, GRACE_MS, d.grace.toMillis())),
                props.get(ACCESS_FILTER) == null ? d.accessFilter : props.get(ACCESS_FILTER).toString().trim(),
                mrcFrom(props),
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
