package io.tierscope.streams.mrc;

import static io.tierscope.streams.ConfigValues.doubleValue;
import static io.tierscope.streams.ConfigValues.longValue;
import static io.tierscope.streams.ConfigValues.stringValue;

import io.tierscope.analytics.mrc.CurveKnots;
import io.tierscope.analytics.mrc.MrcConfig;
import io.tierscope.analytics.mrc.MrcEngine;
import io.tierscope.avro.CurveKind;
import io.tierscope.cli.ConfigCheck;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * What the MRC topology computes per VM: the engine's sampling, temporal period, decay and page
 * size, which long-horizon curve (cumulative or decayed) goes to the latest topic and, next to
 * each window's curve, to the history topic, and how long the state of a VM that stopped sending
 * is kept (VMs come and go; their stacks must not pile up). Owns the {@code tierscope.mrc.*} keys
 * (and the page size): their defaults and docs ({@link #DEFINITION}, part of the streams app's
 * table) and their checks, naming the key.
 *
 * @param idleRetentionMs a VM's state is dropped (and its latest curve tombstoned) once stream time
 *                        is this far past the end of its last window; 0 keeps it forever
 * @param cachedEngines   most live engines a stream task keeps in memory (least recently used ones beyond are
 *                        dropped and read back from the engines store when their VM sends again)
 * @param maxPoints       most points per published curve, the log grid included: the knots where the curve
 *                        bends fill the rest (see {@link CurveKnots}); when they do not fit, the curve's
 *                        interpolation error says the bound achieved
 * @param audit           VMs that also run an exact engine, as a live accuracy self-check ({@link MrcAuditor})
 */
public record MrcSettings(MrcConfig engine, CurveKind longCurve, long idleRetentionMs, int cachedEngines,
                          int maxPoints, MrcAuditSettings audit) {
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
    /**
     * Live accuracy self-check: a fraction of the VMs in [0, 1] (by a hash of the VM id) or a comma-separated
     * list of VM ids whose sampled MRC engine gets an exact one beside it; per closed window the errors between
     * their curves go to the MRC audit topic and the tierscope_mrc_audit_* gauges (default: none).
     */
    public static final String MRC_AUDIT = "tierscope.mrc.audit";
    /** Most distinct pages an audited VM's exact engine may track; beyond, it is dropped and the audit says so. */
    public static final String MRC_AUDIT_MAX_PAGES = "tierscope.mrc.audit.max.pages";

    public static final int DEFAULT_SAMPLE_PAGES = 8192;
    public static final long MAX_CACHED_ENGINES = 1_000_000;

    /** The MRC keys: type, default, importance, doc (the README's rows); the engine's defaults are MrcConfig's. */
    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(MRC_SAMPLING, Type.STRING, "size:" + DEFAULT_SAMPLE_PAGES, Importance.HIGH,
                    "`exact`, `rate:R` (SHARDS fixed rate) or `size:S` (SHARDS fixed size: at most S tracked pages per VM)")
            .define(MRC_TEMPORAL_PERIOD_MS, Type.LONG, 0L, ConfigCheck.that("", v -> (long) v >= 0, ">= 0 (0 = off)"),
                    Importance.LOW, "temporal sampling: a page counts at most once per period (0 = off)")
            .define(MRC_CURVE, Type.STRING, "cumulative", Importance.MEDIUM,
                    "the long-horizon curve published beside each window's: `cumulative` or `decayed`")
            .define(MRC_DECAY, Type.DOUBLE, MrcConfig.DEFAULT_DECAY,
                    ConfigCheck.that("", v -> (double) v > 0 && (double) v <= 1, "in (0, 1]"), Importance.LOW,
                    "weight of the history at each window close, for `decayed`")
            .define(MRC_HEAD_PAGES, Type.LONG, (long) MrcConfig.DEFAULT_HEAD_PAGES,
                    ConfigCheck.that("", v -> (long) v >= 0 && (long) v <= MrcConfig.MAX_HEAD_PAGES,
                            "in [0, " + MrcConfig.MAX_HEAD_PAGES + "]"), Importance.LOW,
                    "K: a sampled engine measures reuses among the K most recently used pages exactly, beside its spatial"
                            + " sample (0 = plain SHARDS); off with a collector pre-filter or temporal sampling")
            .define(MRC_IDLE_RETENTION_MS, Type.LONG, 86_400_000L, Importance.LOW,
                    "a VM silent this long loses its MRC state; its latest curve gets a tombstone")
            .define(MRC_MAX_POINTS, Type.LONG, (long) CurveKnots.DEFAULT_MAX_POINTS, Importance.LOW,
                    "most points per published curve, log grid included; the rest go where the curve bends"
                            + " ([docs/mrc-accuracy.md](docs/mrc-accuracy.md))")
            .define(MRC_AUDIT, Type.STRING, "", Importance.LOW,
                    "live accuracy self-check: a fraction (0..1, VMs chosen by hash of their id) or a comma list of VM ids"
                            + " that also run an exact engine; their errors go to the MRC audit topic (empty = none)")
            .define(MRC_AUDIT_MAX_PAGES, Type.LONG, MrcAuditSettings.DEFAULT_MAX_PAGES, Importance.LOW,
                    "most distinct pages an audited VM's exact engine tracks (~80 B each); beyond, the audit reports"
                            + " `OVER_BUDGET` instead of growing")
            .define(PAGE_SIZE_BYTES, Type.LONG, (long) MrcConfig.DEFAULT_PAGE_SIZE,
                    ConfigCheck.that("", v -> (long) v >= 1 && (long) v <= Integer.MAX_VALUE && Long.bitCount((long) v) == 1,
                            "a power of two"), Importance.LOW, "bytes per page, for curve sizes in bytes")
            .define(MRC_CACHED_ENGINES, Type.LONG, 64L, Importance.LOW,
                    "MRC engines kept in memory per stream task (the rest restore from the store when their VM sends again)");

    public static final long DEFAULT_IDLE_RETENTION_MS = (Long) DEFINITION.defaultValues().get(MRC_IDLE_RETENTION_MS);
    public static final int DEFAULT_CACHED_ENGINES = (int) (long) (Long) DEFINITION.defaultValues().get(MRC_CACHED_ENGINES);
    public static final int DEFAULT_MAX_POINTS = CurveKnots.DEFAULT_MAX_POINTS;

    public MrcSettings {
        if (engine == null) {
            throw new IllegalArgumentException("MRC engine config is required");
        }
        if (longCurve != CurveKind.CUMULATIVE && longCurve != CurveKind.DECAYED) {
            throw new IllegalArgumentException("the long curve must be CUMULATIVE or DECAYED, got " + longCurve);
        }
        if (idleRetentionMs < 0) {
            throw new IllegalArgumentException(MRC_IDLE_RETENTION_MS + " must be >= 0 (0 = forever), got " + idleRetentionMs);
        }
        if (cachedEngines < 1 || cachedEngines > MAX_CACHED_ENGINES) {
            throw new IllegalArgumentException(MRC_CACHED_ENGINES + " must be in [1, " + MAX_CACHED_ENGINES + "], got "
                    + cachedEngines);
        }
        if (maxPoints < CurveKnots.MIN_MAX_POINTS || maxPoints > CurveKnots.MAX_MAX_POINTS) {
            throw new IllegalArgumentException(MRC_MAX_POINTS + " must be in [" + CurveKnots.MIN_MAX_POINTS + ", "
                    + CurveKnots.MAX_MAX_POINTS + "], got " + maxPoints);
        }
        if (audit == null) {
            throw new IllegalArgumentException("MRC audit settings are required (MrcAuditSettings.OFF: none)");
        }
    }

    /** Without an audit. */
    public MrcSettings(MrcConfig engine, CurveKind longCurve, long idleRetentionMs, int cachedEngines, int maxPoints) {
        this(engine, longCurve, idleRetentionMs, cachedEngines, maxPoints, MrcAuditSettings.OFF);
    }

    /** With the default point cap, without an audit. */
    public MrcSettings(MrcConfig engine, CurveKind longCurve, long idleRetentionMs, int cachedEngines) {
        this(engine, longCurve, idleRetentionMs, cachedEngines, DEFAULT_MAX_POINTS);
    }

    public MrcSettings withAudit(MrcAuditSettings settings) {
        return new MrcSettings(engine, longCurve, idleRetentionMs, cachedEngines, maxPoints, settings);
    }

    /** With the default engine cache bound. */
    public MrcSettings(MrcConfig engine, CurveKind longCurve, long idleRetentionMs) {
        this(engine, longCurve, idleRetentionMs, DEFAULT_CACHED_ENGINES);
    }

    public MrcSettings withCachedEngines(int max) {
        return new MrcSettings(engine, longCurve, idleRetentionMs, max, maxPoints, audit);
    }

    public MrcSettings withMaxPoints(int max) {
        return new MrcSettings(engine, longCurve, idleRetentionMs, cachedEngines, max, audit);
    }

    /** With the default idle retention (24 h). */
    public MrcSettings(MrcConfig engine, CurveKind longCurve) {
        this(engine, longCurve, DEFAULT_IDLE_RETENTION_MS);
    }

    /** Every key at its {@link #DEFINITION} default: fixed-size sampling of 8192 pages per VM, temporal sampling off, cumulative curve, decay 0.5, 4 KiB pages. */
    public static MrcSettings defaults() {
        return from(Map.of());
    }

    /** Reads the MRC keys of {@code props}; missing keys take their {@link #DEFINITION} defaults. */
    public static MrcSettings from(Map<?, ?> props) {
        MrcConfig engine = sampling(MRC_SAMPLING, stringValue(props, DEFINITION, MRC_SAMPLING))
                .withTemporalPeriod(longValue(props, DEFINITION, MRC_TEMPORAL_PERIOD_MS))
                .withDecay(doubleValue(props, DEFINITION, MRC_DECAY))
                .withPageSize((int) longValue(props, DEFINITION, PAGE_SIZE_BYTES))
                .withHeadPages((int) longValue(props, DEFINITION, MRC_HEAD_PAGES));
        long auditPages = longValue(props, DEFINITION, MRC_AUDIT_MAX_PAGES);
        String audit = stringValue(props, DEFINITION, MRC_AUDIT);
        return new MrcSettings(engine, longCurve(MRC_CURVE, stringValue(props, DEFINITION, MRC_CURVE)),
                longValue(props, DEFINITION, MRC_IDLE_RETENTION_MS),
                (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, longValue(props, DEFINITION, MRC_CACHED_ENGINES))),
                (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, longValue(props, DEFINITION, MRC_MAX_POINTS))),
                audit.isEmpty() ? MrcAuditSettings.OFF.withMaxPages(auditPages) : MrcAuditSettings.parse(MRC_AUDIT, audit, auditPages));
    }

    /**
     * Parses a sampling spec: {@code exact}, {@code rate:R} (SHARDS fixed rate, R in (0, 1]) or
     * {@code size:S} (SHARDS fixed size, at most S pages per VM); {@code key} names the setting in errors.
     */
    public static MrcConfig sampling(String key, String spec) {
        String s = spec.trim();
        if (s.equals("exact")) {
            return MrcConfig.exact();
        }
        try {
            if (s.startsWith("rate:")) {
                double rate = Double.parseDouble(s.substring(5));
                if (!(rate > 0 && rate <= 1)) {
                    throw new IllegalArgumentException(key + ": sampling rate must be in (0, 1], got \"" + spec + "\"");
                }
                return MrcConfig.fixedRate(rate);
            }
            if (s.startsWith("size:")) {
                int pages = Integer.parseInt(s.substring(5));
                if (pages < 1) {
                    throw new IllegalArgumentException(key + ": sample size must be >= 1 page, got \"" + spec + "\"");
                }
                return MrcConfig.fixedSize(pages);
            }
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + ": cannot read the number in \"" + spec + "\"");
        }
        throw new IllegalArgumentException(key + " must be exact, rate:R or size:S, got \"" + spec + "\"");
    }

    /** Parses {@code cumulative} or {@code decayed} (any case). */
    public static CurveKind longCurve(String key, String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "cumulative" -> CurveKind.CUMULATIVE;
            case "decayed" -> CurveKind.DECAYED;
            default -> throw new IllegalArgumentException(key + " must be cumulative or decayed, got \"" + value + "\"");
        };
    }

    /** The histogram of the engine behind the long curve. */
    public MrcEngine.Histogram longHistogram() {
        return longCurve == CurveKind.DECAYED
                ? MrcEngine.Histogram.DECAYED
                : MrcEngine.Histogram.CUMULATIVE;
    }
}
