package io.tierscope.streams;

import static io.tierscope.streams.StreamsAppConfig.ACCESS_FILTER;
import static io.tierscope.streams.StreamsAppConfig.GRACE_MS;
import static io.tierscope.streams.StreamsAppConfig.HEAT_CHUNK_PAGES;
import static io.tierscope.streams.StreamsAppConfig.HEAT_CLASSIFIER;
import static io.tierscope.streams.StreamsAppConfig.HEAT_GAP_POLICY;
import static io.tierscope.streams.StreamsAppConfig.HEAT_SAMPLE_PERIOD_MS;
import static io.tierscope.streams.StreamsAppConfig.HEAT_SOURCE;
import static io.tierscope.streams.StreamsAppConfig.HEAT_SUMMARY_HOTTEST;
import static io.tierscope.streams.StreamsAppConfig.HEAT_TTL_MS;
import static io.tierscope.streams.StreamsAppConfig.INPUT_MAX_AHEAD_MS;
import static io.tierscope.streams.StreamsAppConfig.INPUT_MAX_BEHIND_MS;
import static io.tierscope.streams.StreamsAppConfig.MRC_AUDIT;
import static io.tierscope.streams.StreamsAppConfig.MRC_AUDIT_MAX_PAGES;
import static io.tierscope.streams.StreamsAppConfig.MRC_CACHED_ENGINES;
import static io.tierscope.streams.StreamsAppConfig.MRC_CURVE;
import static io.tierscope.streams.StreamsAppConfig.MRC_DECAY;
import static io.tierscope.streams.StreamsAppConfig.MRC_HEAD_PAGES;
import static io.tierscope.streams.StreamsAppConfig.MRC_IDLE_RETENTION_MS;
import static io.tierscope.streams.StreamsAppConfig.MRC_MAX_POINTS;
import static io.tierscope.streams.StreamsAppConfig.MRC_SAMPLING;
import static io.tierscope.streams.StreamsAppConfig.MRC_TEMPORAL_PERIOD_MS;
import static io.tierscope.streams.StreamsAppConfig.PAGE_SIZE_BYTES;
import static io.tierscope.streams.StreamsAppConfig.WINDOW_MS;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * The streams app's {@code tierscope.*} settings as a Kafka {@link ConfigDef}: key, type, default,
 * importance, doc. The README's configuration table is generated from it ({@link #main}; a test
 * fails when they differ), and the values checks stay where the settings are parsed (the messages
 * name the key). A test pins its defaults to {@link StreamsAppConfig#defaults()}.
 */
public final class StreamsConfigTable {
    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(WINDOW_MS, Type.LONG, 60_000L, Importance.HIGH, "tumbling window of the per-VM outputs, 10 s to 1 h")
            .define(GRACE_MS, Type.LONG, 5_000L, Importance.MEDIUM, "how long late batches still count into a window")
            .define(ACCESS_FILTER, Type.STRING, "xwr", Importance.MEDIUM, "access types that count as references")
            .define(MRC_SAMPLING, Type.STRING, "size:8192", Importance.HIGH,
                    "`exact`, `rate:R` (SHARDS fixed rate) or `size:S` (SHARDS fixed size: at most S tracked pages per VM)")
            .define(MRC_TEMPORAL_PERIOD_MS, Type.LONG, 0L, Importance.LOW,
                    "temporal sampling: a page counts at most once per period (0 = off)")
            .define(MRC_CURVE, Type.STRING, "cumulative", Importance.MEDIUM,
                    "the long-horizon curve published beside each window's: `cumulative` or `decayed`")
            .define(MRC_DECAY, Type.DOUBLE, 0.5, Importance.LOW, "weight of the history at each window close, for `decayed`")
            .define(MRC_HEAD_PAGES, Type.LONG, 8192L, Importance.LOW,
                    "K: a sampled engine measures reuses among the K most recently used pages exactly, beside its spatial"
                            + " sample (0 = plain SHARDS); off with a collector pre-filter or temporal sampling")
            .define(MRC_IDLE_RETENTION_MS, Type.LONG, 86_400_000L, Importance.LOW,
                    "a VM silent this long loses its MRC state; its latest curve gets a tombstone")
            .define(MRC_MAX_POINTS, Type.LONG, 512L, Importance.LOW,
                    "most points per published curve, log grid included; the rest go where the curve bends"
                            + " ([docs/mrc-accuracy.md](docs/mrc-accuracy.md))")
            .define(MRC_AUDIT, Type.STRING, "", Importance.LOW,
                    "live accuracy self-check: a fraction (0..1, VMs chosen by hash of their id) or a comma list of VM ids"
                            + " that also run an exact engine; their errors go to the MRC audit topic (empty = none)")
            .define(MRC_AUDIT_MAX_PAGES, Type.LONG, 1_048_576L, Importance.LOW,
                    "most distinct pages an audited VM's exact engine tracks (~80 B each); beyond, the audit reports"
                            + " `OVER_BUDGET` instead of growing")
            .define(PAGE_SIZE_BYTES, Type.LONG, 4096L, Importance.LOW, "bytes per page, for curve sizes in bytes")
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
            .define(INPUT_MAX_AHEAD_MS, Type.LONG, 3_600_000L, Importance.LOW,
                    "a record whose event time is further ahead of the wall clock is dead-lettered (keep it at or below"
                            + " the brokers' `message.timestamp.after.max.ms`)")
            .define(MRC_CACHED_ENGINES, Type.LONG, 64L, Importance.LOW,
                    "MRC engines kept in memory per stream task (the rest restore from the store when their VM sends again)")
            .define(INPUT_MAX_BEHIND_MS, Type.LONG, 604_800_000L, Importance.LOW,
                    "a record further behind the newest event time its task has accepted is dead-lettered; 0 = no bound"
                            + " (replaying yesterday's trace is fine)");

    private StreamsConfigTable() {
    }

    /** Every key with its default, as a --config file would spell it. */
    public static Map<String, String> defaults() {
        Map<String, String> out = new LinkedHashMap<>();
        DEFINITION.configKeys().forEach((key, def) -> out.put(key, String.valueOf(def.defaultValue)));
        return out;
    }

    /** The README's table (two-space indented, inside its list item). */
    public static String markdown() {
        StringBuilder out = new StringBuilder("  | key | default | meaning |\n  |---|---|---|\n");
        DEFINITION.configKeys().forEach((key, def) -> {
            String value = String.valueOf(def.defaultValue);
            out.append("  | `").append(key).append("` | ")
                    .append(def.type == Type.STRING ? "`" + value + "`" : value)
                    .append(" | ").append(def.documentation).append(" |\n");
        });
        return out.toString();
    }

    /** Prints {@link #markdown()}: paste it between the README's streams-config markers. */
    public static void main(String[] args) {
        System.out.print(markdown());
    }
}
