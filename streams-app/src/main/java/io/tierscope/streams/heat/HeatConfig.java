package io.tierscope.streams.heat;

import static io.tierscope.streams.ConfigValues.longValue;

import io.tierscope.analytics.heat.GapPolicy;
import io.tierscope.analytics.heat.HeatTable;
import io.tierscope.streams.StreamsAppConfig;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Settings of the heat topology (keys in {@link StreamsAppConfig}: tierscope.heat.*).
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
 */
public record HeatConfig(int chunkPages, HeatTable classifier, GapPolicy gapPolicy, Duration ttl, int hottestInSummary,
                         Source source, Duration samplePeriod) {
    public static final int MAX_CHUNK_PAGES = 65_536;
    public static final int MAX_HOTTEST = 1000;

    /** What drives the heat FSMs. */
    public enum Source {
        SCANS,
        SAMPLES
    }

    /** Scan-driven heat. */
    public HeatConfig(int chunkPages, HeatTable classifier, GapPolicy gapPolicy, Duration ttl, int hottestInSummary) {
        this(chunkPages, classifier, gapPolicy, ttl, hottestInSummary, Source.SCANS, Duration.ofSeconds(1));
    }

    public HeatConfig {
        if (chunkPages < 8 || chunkPages > MAX_CHUNK_PAGES || chunkPages % 8 != 0) {
            throw new IllegalArgumentException(StreamsAppConfig.HEAT_CHUNK_PAGES + " must be a multiple of 8 in [8, "
                    + MAX_CHUNK_PAGES + "], got " + chunkPages);
        }
        if (ttl.toMillis() <= 0) {
            throw new IllegalArgumentException(StreamsAppConfig.HEAT_TTL_MS + " must be > 0, got " + ttl.toMillis());
        }
        if (hottestInSummary < 0 || hottestInSummary > MAX_HOTTEST) {
            throw new IllegalArgumentException(StreamsAppConfig.HEAT_SUMMARY_HOTTEST + " must be in [0, " + MAX_HOTTEST
                    + "], got " + hottestInSummary);
        }
        if (samplePeriod.toMillis() < 10 || samplePeriod.toMillis() > 3_600_000) {
            throw new IllegalArgumentException(StreamsAppConfig.HEAT_SAMPLE_PERIOD_MS + " must be in [10, 3600000], got "
                    + samplePeriod.toMillis());
        }
    }

    /** 32768-page chunks, fsm5, idle gaps, 10 minute TTL, 8 hottest pages per summary. */
    public static HeatConfig defaults() {
        return new HeatConfig(32_768, HeatTable.fsm5(), GapPolicy.IDLE, Duration.ofMinutes(10), 8);
    }

    /** Reads the tierscope.heat.* keys of {@code props}; missing keys keep their defaults. */
    public static HeatConfig from(Map<?, ?> props) {
        HeatConfig d = defaults();
        HeatTable classifier = d.classifier;
        Object name = props.get(StreamsAppConfig.HEAT_CLASSIFIER);
        if (name != null) {
            try {
                classifier = HeatTable.byName(name.toString().trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(StreamsAppConfig.HEAT_CLASSIFIER + ": " + e.getMessage(), e);
            }
        }
        return new HeatConfig(
                (int) Math.min(Integer.MAX_VALUE, longValue(props, StreamsAppConfig.HEAT_CHUNK_PAGES, d.chunkPages)),
                classifier,
                gapPolicy(props.get(StreamsAppConfig.HEAT_GAP_POLICY), d.gapPolicy),
                Duration.ofMillis(longValue(props, StreamsAppConfig.HEAT_TTL_MS, d.ttl.toMillis())),
                (int) Math.min(Integer.MAX_VALUE, longValue(props, StreamsAppConfig.HEAT_SUMMARY_HOTTEST, d.hottestInSummary)),
                source(props.get(StreamsAppConfig.HEAT_SOURCE), d.source),
                Duration.ofMillis(longValue(props, StreamsAppConfig.HEAT_SAMPLE_PERIOD_MS, d.samplePeriod.toMillis())));
    }

    private static Source source(Object value, Source fallback) {
        if (value == null) {
            return fallback;
        }
        String v = value.toString().trim().toUpperCase(Locale.ROOT);
        for (Source s : Source.values()) {
            if (s.name().equals(v)) {
                return s;
            }
        }
        throw new IllegalArgumentException(StreamsAppConfig.HEAT_SOURCE + " must be \"scans\" or \"samples\", got \"" + value + "\"");
    }

    private static GapPolicy gapPolicy(Object value, GapPolicy fallback) {
        if (value == null) {
            return fallback;
        }
        String v = value.toString().trim().toUpperCase(Locale.ROOT);
        for (GapPolicy p : GapPolicy.values()) {
            if (p.name().equals(v)) {
                return p;
            }
        }
        throw new IllegalArgumentException(StreamsAppConfig.HEAT_GAP_POLICY + " must be \"idle\" or \"ignore\", got \"" + value + "\"");
    }
}
