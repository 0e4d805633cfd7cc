package io.tierscope.collector;

import io.tierscope.cli.ConfigCheck;
import io.tierscope.cli.NearestKey;
import io.tierscope.collector.linux.IdlePageTracker;
import io.tierscope.nativeaccess.EptSampleAbi;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Predicate;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The settings of {@code collect} a host's {@code --config} file may give (the long options without
 * "--"), as a Kafka {@link ConfigDef}: key, type, default, check, importance, doc. The one place for
 * each default and range check: the command's options default from it (with the config file's
 * value first), {@code CollectorSettings.Builder} takes its defaults from it, and the README's table
 * is generated from it ({@link #main}; a test fails when they differ). Checks name the option.
 */
public final class CollectConfigTable {
    public static final String BOOTSTRAP_SERVERS = "bootstrap-servers";
    public static final String SCHEMA_REGISTRY = "schema-registry";
    public static final String CLIENT_CONFIG = "client-config";
    public static final String HOST = "host";
    public static final String BATCH_SAMPLES = "batch-samples";
    public static final String LINGER_MS = "linger-ms";
    public static final String BUFFER_MB = "buffer-mb";
    public static final String SCAN_BUFFER_SHARE = "scan-buffer-share";
    public static final String SCAN_ENCODING = "scan-encoding";
    public static final String COMPRESSION = "compression";
    public static final String DELIVERY_TIMEOUT = "delivery-timeout";
    public static final String PREFILTER_RATE = "prefilter-rate";
    public static final String METRICS_INTERVAL = "metrics-interval";
    public static final String SPEED = "speed";
    public static final String DURATION = "duration";
    public static final String SCAN_PERIOD = "scan-period";
    public static final String CHUNK_PAGES = "chunk-pages";
    public static final String EPT_DEVICE = "ept-device";
    public static final String IDLE_BITMAP = "idle-bitmap";
    public static final String CREATE_TOPICS = "create-topics";
    public static final String PARTITIONS = "partitions";
    public static final String REPLICATION_FACTOR = "replication-factor";

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(BOOTSTRAP_SERVERS, Type.STRING, null, Importance.HIGH,
                    "Kafka bootstrap servers; `$KAFKA_BOOTSTRAP_SERVERS` wins over the file")
            .define(SCHEMA_REGISTRY, Type.STRING, null, Importance.HIGH,
                    "Confluent-compatible schema registry API URL; `$SCHEMA_REGISTRY_URL` wins over the file")
            .define(CLIENT_CONFIG, Type.STRING, null, Importance.MEDIUM,
                    "properties file with the security settings of a secured cluster and registry;"
                            + " `$KAFKA_CLIENT_CONFIG` wins over the file")
            .define(HOST, Type.STRING, null, Importance.MEDIUM, "host name written into every record (none: this host's name)")
            .define(BATCH_SAMPLES, Type.INT, 4096, check(v -> (int) v >= 1, ">= 1"), Importance.LOW,
                    "samples per SampleBatch record at most")
            .define(LINGER_MS, Type.LONG, 200L, check(v -> (long) v >= 0, ">= 0"), Importance.LOW,
                    "how long a batch waits to fill before it is sent")
            .define(BUFFER_MB, Type.DOUBLE, 64.0, check(v -> (double) v > 0 && !Double.isInfinite((double) v), "> 0"),
                    Importance.HIGH, "bound on unacknowledged data held for Kafka; live sources drop, counted, when it is"
                            + " full; replay and synthetic sources wait")
            .define(SCAN_BUFFER_SHARE, Type.DOUBLE, 0.25, check(v -> (double) v > 0 && (double) v <= 1, "in (0, 1]"),
                    Importance.LOW, "share of the buffer A/D scans may hold; samples always have the rest")
            .define(SCAN_ENCODING, Type.STRING, "runs", oneOf("runs", "bitmap"), Importance.LOW,
                    "A/D bits as runs where smaller, or always as bitmaps (for streams apps older than runs)")
            .define(COMPRESSION, Type.STRING, "zstd", oneOf("zstd", "lz4", "snappy", "gzip", "none"), Importance.LOW,
                    "producer compression")
            .define(DELIVERY_TIMEOUT, Type.STRING, "5m", duration(), Importance.MEDIUM,
                    "how long the producer retries a record, e.g. through a broker outage")
            .define(PREFILTER_RATE, Type.DOUBLE, 1.0, check(v -> (double) v > 0 && (double) v <= 1, "in (0, 1]"),
                    Importance.MEDIUM, "keep only the pages the streams app's spatial hash samples at this rate (1 = all)")
            .define(METRICS_INTERVAL, Type.STRING, "10s", duration(), Importance.LOW,
                    "how often to print the counters (0 = only at exit)")
            .define(SPEED, Type.DOUBLE, 1.0, check(v -> (double) v > 0 && !Double.isInfinite((double) v), "a positive factor"),
                    Importance.LOW, "replay speed factor on the rate of trace and synthetic sources")
            .define(DURATION, Type.STRING, null, duration(), Importance.MEDIUM,
                    "stop after this long (250ms, 90s, 5m, 1h; none or 0: when every source has ended, or Ctrl-C)")
            .define(SCAN_PERIOD, Type.INT, 1000, check(v -> (int) v >= 0, ">= 0"), Importance.MEDIUM,
                    "A/D scan period in ms for synthetic VMs and idle/soft-dirty (0 = no synthetic scans)")
            .define(CHUNK_PAGES, Type.INT, 32_768, check(v -> (int) v >= 1, ">= 1"), Importance.LOW,
                    "pages per A/D scan record for idle/soft-dirty")
            .define(EPT_DEVICE, Type.STRING, EptSampleAbi.DEFAULT_DEVICE, Importance.LOW, "kvm-ept-sample device")
            .define(IDLE_BITMAP, Type.STRING, IdlePageTracker.DEFAULT_BITMAP, Importance.LOW, "idle page bitmap")
            .define(CREATE_TOPICS, Type.BOOLEAN, true, Importance.LOW, "create the samples and scans topics if missing")
            .define(PARTITIONS, Type.INT, 6, check(v -> (int) v >= 1, ">= 1"), Importance.LOW,
                    "partitions of topics this command creates")
            .define(REPLICATION_FACTOR, Type.SHORT, (short) 1, check(v -> (short) v >= 1, ">= 1"), Importance.LOW,
                    "replication factor of topics it creates");

    private CollectConfigTable() {
    }

    /** The default of {@code key} as the config file would spell it, or null when it has none. */
    public static String defaultText(String key) {
        Object value = keyOf(key).defaultValue;
        return value == null ? null : String.valueOf(value);
    }

    public static int intDefault(String key) {
        return (Integer) keyOf(key).defaultValue;
    }

    public static long longDefault(String key) {
        return (Long) keyOf(key).defaultValue;
    }

    public static double doubleDefault(String key) {
        return (Double) keyOf(key).defaultValue;
    }

    public static Duration durationDefault(String key) {
        return DurationConverter.parse(defaultText(key));
    }

    /**
     * Checks {@code value} (of the key's type) against the key's range.
     *
     * @throws IllegalArgumentException one line naming the option: "--KEY must be RANGE, got VALUE"
     */
    public static <T> T check(String key, T value) {
        return ConfigCheck.ensure(DEFINITION, key, value);
    }

    /**
     * A config file's value of {@code key}, parsed to the key's type and checked ("1_024" is 1024).
     *
     * @throws IllegalArgumentException one line naming the setting: its type or its range
     */
    public static Object parse(String key, String text) {
        ConfigDef.ConfigKey def = keyOf(key);
        boolean number = def.type == Type.INT || def.type == Type.LONG || def.type == Type.SHORT || def.type == Type.DOUBLE;
        String t = number ? text.strip().replace("_", "") : text.strip();
        Object value;
        try {
            value = ConfigDef.parseType(key, t, def.type);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(key + " must be " + switch (def.type) {
                case DOUBLE -> "a number";
                case BOOLEAN -> "true or false";
                default -> "an integer";
            } + ", got '" + text + "'", e);
        }
        return check(key, value);
    }

    /**
     * @throws IllegalArgumentException "unknown setting 'K' (did you mean 'KNOWN'?)" for a key not in the table
     */
    public static void requireKnown(String key) {
        if (!DEFINITION.names().contains(key)) {
            throw new IllegalArgumentException("unknown setting '" + key + "'"
                    + NearestKey.of(key, DEFINITION.names()).map(k -> " (did you mean '" + k + "'?)")
                            .orElse(" (known: " + String.join(", ", DEFINITION.names().stream().sorted().toList()) + ")"));
        }
    }

    /** The README's table (two-space indented, inside its list item). */
    public static String markdown() {
        StringBuilder out = new StringBuilder("  | setting | default | values | meaning |\n  |---|---|---|---|\n");
        DEFINITION.configKeys().forEach((key, def) -> out.append("  | `").append(key).append("` | ")
                .append(def.defaultValue == null ? "" : "`" + def.defaultValue + "`").append(" | ")
                .append(def.validator == null ? def.type.name().toLowerCase(java.util.Locale.ROOT) : def.validator.toString())
                .append(" | ").append(def.documentation).append(" |\n"));
        return out.toString();
    }

    /** Prints {@link #markdown()}: paste it between the README's collect-config markers. */
    public static void main(String[] args) {
        System.out.print(markdown());
    }

    private static ConfigDef.ConfigKey keyOf(String key) {
        return Objects.requireNonNull(DEFINITION.configKeys().get(key), key);
    }

    /** A range check whose message names the option, as every other numeric option's does. */
    private static ConfigDef.Validator check(Predicate<Object> ok, String range) {
        return ConfigCheck.that("--", ok, range);
    }

    private static ConfigDef.Validator oneOf(String... values) {
        return ConfigCheck.oneOf("--", values);
    }

    private static ConfigDef.Validator duration() {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String name, Object value) {
                if (value == null || value instanceof Duration) {
                    return;
                }
                try {
                    DurationConverter.parse(value.toString());
                } catch (RuntimeException e) {
                    throw new ConfigException("--" + name + ": " + e.getMessage());
                }
            }

            @Override
            public String toString() {
                return "duration";
            }
        };
    }
}
