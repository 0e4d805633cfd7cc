package io.tierscope.streams.mrc;

import io.tierscope.analytics.mrc.CurveKnots;
import io.tierscope.analytics.mrc.MrcConfig;
import io.tierscope.analytics.mrc.MrcEngine;
import io.tierscope.avro.CurveKind;
import java.util.Locale;

/**
 * What the MRC topology computes per VM: the engine's sampling, temporal period, decay and page
 * size, which long-horizon curve (cumulative or decayed) goes to the latest topic and, next to
 * each window's curve, to the history topic, and how long the state of a VM that stopped sending
 * is kept (VMs come and go; their stacks must not pile up).
 *
 * @param idleRetentionMs a VM's state is dropped (and its latest curve tombstoned) once stream time
 *                        is this far past the end of its last window; 0 keeps it forever
 * @param cachedEngines   most live engines a stream task keeps in memory (least recently used ones beyond are
 *                        dropped and read back from the engines store when their VM sends again)
 * @param maxPoints       most points per published curve, the log grid included: the knots where the curve
 *                        bends fill the rest (see {@link CurveKnots}); when they do not fit, the curve's
 *                        interpolation error says the bound achieved
 */
public record MrcSettings(MrcConfig engine, CurveKind longCurve, long idleRetentionMs, int cachedEngines,
                          int maxPoints) {
    public static final int DEFAULT_SAMPLE_PAGES = 8192;
    public static final long DEFAULT_IDLE_RETENTION_MS = 24 * 3600 * 1000L;
    public static final int DEFAULT_CACHED_ENGINES = 64;
    public static final int DEFAULT_MAX_POINTS = CurveKnots.DEFAULT_MAX_POINTS;

    public MrcSettings {
        if (engine == null) {
            throw new IllegalArgumentException("MRC engine config is required");
        }
        if (longCurve != CurveKind.CUMULATIVE && longCurve != CurveKind.DECAYED) {
            throw new IllegalArgumentException("the long curve must be CUMULATIVE or DECAYED, got " + longCurve);
        }
        if (idleRetentionMs < 0) {
            throw new IllegalArgumentException("idle retention must be >= 0 ms (0 = forever), got " + idleRetentionMs);
        }
        if (cachedEngines < 1) {
            throw new IllegalArgumentException("cached MRC engines must be >= 1, got " + cachedEngines);
        }
        if (maxPoints < CurveKnots.MIN_MAX_POINTS || maxPoints > CurveKnots.MAX_MAX_POINTS) {
            throw new IllegalArgumentException("MRC max points must be in [" + CurveKnots.MIN_MAX_POINTS + ", "
                    + CurveKnots.MAX_MAX_POINTS + "], got " + maxPoints);
        }
    }

    /** With the default point cap. */
    public MrcSettings(MrcConfig engine, CurveKind longCurve, long idleRetentionMs, int cachedEngines) {
        this(engine, longCurve, idleRetentionMs, cachedEngines, DEFAULT_MAX_POINTS);
    }

    /** With the default engine cache bound. */
    public MrcSettings(MrcConfig engine, CurveKind longCurve, long idleRetentionMs) {
        this(engine, longCurve, idleRetentionMs, DEFAULT_CACHED_ENGINES);
    }

    public MrcSettings withCachedEngines(int max) {
        return new MrcSettings(engine, longCurve, idleRetentionMs, max, maxPoints);
    }

    public MrcSettings withMaxPoints(int max) {
        return new MrcSettings(engine, longCurve, idleRetentionMs, cachedEngines, max);
    }

    /** With the default idle retention (24 h). */
    public MrcSettings(MrcConfig engine, CurveKind longCurve) {
        this(engine, longCurve, DEFAULT_IDLE_RETENTION_MS);
    }

    /** Fixed-size sampling of 8192 pages per VM, temporal sampling off, cumulative curve, decay 0.5, 4 KiB pages. */
    public static MrcSettings defaults() {
        return new MrcSettings(MrcConfig.fixedSize(DEFAULT_SAMPLE_PAGES), CurveKind.CUMULATIVE);
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
