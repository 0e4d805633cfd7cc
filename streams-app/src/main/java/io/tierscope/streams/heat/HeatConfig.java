package io.tierscope.streams.heat;

import static io.tierscope.streams.ConfigValues.doubleValue;
import static io.tierscope.streams.ConfigValues.longValue;
import static io.tierscope.streams.ConfigValues.stringValue;

import io.tierscope.analytics.heat.GapPolicy;
import io.tierscope.analytics.heat.HeatTable;
import io.tierscope.analytics.heat.SampledCounts;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * Settings of the heat topology: the {@code tierscope.heat.*} keys, their defaults and docs
 * ({@link #DEFINITION}, part of the streams app's table) and their checks (here, naming the key).
 *
 * @param chunkPages     pages per heat chunk: one store entry and one PAGE_HEAT record each.
 *                       32768 (the collector's scan chunk) keeps a PAGE_HEAT record at 64 KiB and a
 *                       HEAT_CHANGES record under 200 KiB, far below Kafka's 1 MiB default.
 * @param classifier     the per-page FSM ({@link HeatTable#byName})
 * @param gapPolicy      what skipped scan sequences count as. Default {@link GapPolicy#IDLE}: the
 *                       scanners clear A bits as they read them, so a lost scan's accesses are gone and
 *                       heat should age rather than freeze at its pre-outage picture.
 * @param ttl            chunks without an applied scan for this long (event time: the newest scan the task saw) are deleted, and a
 *                       VM with no scan at all for this long is forgotten
 * @param hottestInSummary how many of a VM's hottest pages each summary lists
 * @param source         what drives the FSMs: A/D scans, or page-access samples grouped into periods
 *                       (for hosts without A/D scanning, e.g. kvm-ept-sample only). One source for
 *                       the whole application: the two number their periods differently, so they
 *                       cannot drive the same chunk.
 * @param samplePeriod   with {@link Source#SAMPLES}: the period whose sampled pages form one
 *                       accessed bitmap (a batch belongs to the period of its end time)
 * @param countHalfLifePeriods with {@link Source#SAMPLES}: the half-life of each page's sampled access count
 *                       ({@link SampledCounts}), in sample periods. It should follow how often a page is sampled
 *                       ({@link SampledCounts#halfLifeForDensity}: 1.22 / samples per page and period, at least 8):
 *                       8 suits 0.15 samples per page and period, 32 a VM four times larger at the same sample rate.
 */
public record HeatConfig(int chunkPages, HeatTable classifier, GapPolicy gapPolicy, Duration ttl, int hottestInSummary,
                         Source source, Duration samplePeriod, double countHalfLifePeriods) {
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
    /** With samples driving heat: the half-life of the pages' sampled access counts, in sample periods (1 to 1000, default 8). */
    public static final String HEAT_COUNT_HALF_LIFE_PERIODS = "tierscope.heat.count.half.life.periods";

    /** The heat keys: type, default, importance, doc (the README's rows). */
    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(HEAT_CHUNK_PAGES, Type.LONG, 32_768L, Importance.MEDIUM,
                    "pages per heat chunk (store entry, page-heat record); scans start on chunk boundaries")
            .define(HEAT_CLASSIFIER, Type.STRING, "fsm5", Importance.MEDIUM,
                    "`fsm5` (US 9,063,866), `fsm5-conservative`, `history-k<k>-hot<n>`")
            .define(HEAT_GAP_POLICY, Type.STRING, "idle", Importance.LOW,
                    "a missed scan period counts as a period without access (`idle`), or is skipped (`ignore`)")
            .define(HEAT_TTL_MS, Type.LONG, 600_000L, Importance.MEDIUM,
                    "heat state of a VM (or chunk) without scans this long, in event time, is deleted")
            .define(HEAT_SUMMARY_HOTTEST, Type.LONG, 8L, Importance.LOW, "hottest pages listed per VM per summary")
            .define(HEAT_SOURCE, Type.STRING, "scans", Importance.MEDIUM,
                    "what drives heat: A/D `scans`, or `samples` (a period's sampled pages form its accessed bitmap)")
            .define(HEAT_SAMPLE_PERIOD_MS, Type.LONG, 1000L, Importance.LOW, "the period, when samples drive heat")
            .define(HEAT_COUNT_HALF_LIFE_PERIODS, Type.DOUBLE, SampledCounts.DEFAULT_HALF_LIFE_PERIODS, Importance.MEDIUM,
                    "half-life of the pages' sampled access counts, in sample periods, when samples drive heat: "
                            + "1.22 / (samples per page and period), at least 8 (docs/tiering.md)");

    public static final int MAX_CHUNK_PAGES = 65_536;
    public static final int MAX_HOTTEST = 1000;

    /** What drives the heat FSMs. */
    public enum Source {
        SCANS,
        SAMPLES
    }

    /** Scan-driven heat. */
    public HeatConfig(int chunkPages, HeatTable classifier, GapPolicy gapPolicy, Duration ttl, int hottestInSummary) {
        this(chunkPages, classifier, gapPolicy, ttl, hottestInSummary, Source.SCANS,
                Duration.ofMillis((Long) DEFINITION.defaultValues().get(HEAT_SAMPLE_PERIOD_MS)));
    }

    /** With the default count half-life. */
    public HeatConfig(int chunkPages, HeatTable classifier, GapPolicy gapPolicy, Duration ttl, int hottestInSummary,
                      Source source, Duration samplePeriod) {
        this(chunkPages, classifier, gapPolicy, ttl, hottestInSummary, source, samplePeriod,
                SampledCounts.DEFAULT_HALF_LIFE_PERIODS);
    }

    public HeatConfig {
        if (chunkPages < 8 || chunkPages > MAX_CHUNK_PAGES || chunkPages % 8 != 0) {
            throw new IllegalArgumentException(HEAT_CHUNK_PAGES + " must be a multiple of 8 in [8, "
                    + MAX_CHUNK_PAGES + "], got " + chunkPages);
        }
        if (ttl.toMillis() <= 0) {
            throw new IllegalArgumentException(HEAT_TTL_MS + " must be > 0, got " + ttl.toMillis());
        }
        if (hottestInSummary < 0 || hottestInSummary > MAX_HOTTEST) {
            throw new IllegalArgumentException(HEAT_SUMMARY_HOTTEST + " must be in [0, " + MAX_HOTTEST
                    + "], got " + hottestInSummary);
        }
        if (samplePeriod.toMillis() < 10 || samplePeriod.toMillis() > 3_600_000) {
            throw new IllegalArgumentException(HEAT_SAMPLE_PERIOD_MS + " must be in [10, 3600000], got "
                    + samplePeriod.toMillis());
        }
        if (!(countHalfLifePeriods >= 1 && countHalfLifePeriods <= 1000)) {
            throw new IllegalArgumentException(HEAT_COUNT_HALF_LIFE_PERIODS + " must be in [1, 1000], got " + countHalfLifePeriods);
        }
    }

    /** Every key at its {@link #DEFINITION} default: 32768-page chunks, fsm5, idle gaps, 10 minute TTL, 8 hottest pages per summary, scans. */
    public static HeatConfig defaults() {
        return from(Map.of());
    }

    /** Reads the tierscope.heat.* keys of {@code props}; missing keys take their {@link #DEFINITION} defaults. */
    public static HeatConfig from(Map<?, ?> props) {
        HeatTable classifier;
        try {
            classifier = HeatTable.byName(stringValue(props, DEFINITION, HEAT_CLASSIFIER));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(HEAT_CLASSIFIER + ": " + e.getMessage(), e);
        }
        return new HeatConfig(
                (int) Math.min(Integer.MAX_VALUE, longValue(props, DEFINITION, HEAT_CHUNK_PAGES)),
                classifier,
                gapPolicy(stringValue(props, DEFINITION, HEAT_GAP_POLICY)),
                Duration.ofMillis(longValue(props, DEFINITION, HEAT_TTL_MS)),
                (int) Math.min(Integer.MAX_VALUE, longValue(props, DEFINITION, HEAT_SUMMARY_HOTTEST)),
                source(stringValue(props, DEFINITION, HEAT_SOURCE)),
                Duration.ofMillis(longValue(props, DEFINITION, HEAT_SAMPLE_PERIOD_MS)),
                doubleValue(props, DEFINITION, HEAT_COUNT_HALF_LIFE_PERIODS));
    }

    private static Source source(String value) {
        String v = value.toUpperCase(Locale.ROOT);
        for (Source s : Source.values()) {
            if (s.name().equals(v)) {
                return s;
            }
        }
        throw new IllegalArgumentException(HEAT_SOURCE + " must be \"scans\" or \"samples\", got \"" + value + "\"");
    }

    private static GapPolicy gapPolicy(String value) {
        String v = value.toUpperCase(Locale.ROOT);
        for (GapPolicy p : GapPolicy.values()) {
            if (p.name().equals(v)) {
                return p;
            }
        }
        throw new IllegalArgumentException(HEAT_GAP_POLICY + " must be \"idle\" or \"ignore\", got \"" + value + "\"");
    }
}
