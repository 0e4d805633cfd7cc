package io.tierscope.streams;

import io.tierscope.cli.ConfigCheck;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;

/** Reads numeric settings from a properties map, naming the key and the value when one is malformed. */
public final class ConfigValues {
    private ConfigValues() {
    }

    public static long longValue(Map<?, ?> props, String key, long fallback) {
        Object v = props.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got \"" + v + "\"");
        }
    }

    public static double doubleValue(Map<?, ?> props, String key, double fallback) {
        Object v = props.get(key);
        if (v == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, got \"" + v + "\"");
        }
    }

    /** The key's value in {@code props}, else its default in {@code table}; checked by the table (naming the key). */
    public static long longValue(Map<?, ?> props, ConfigDef table, String key) {
        return ConfigCheck.ensure(table, key, longValue(props, key, (Long) table.configKeys().get(key).defaultValue));
    }

    /** The key's value in {@code props}, else its default in {@code table}; checked by the table (naming the key). */
    public static double doubleValue(Map<?, ?> props, ConfigDef table, String key) {
        return ConfigCheck.ensure(table, key, doubleValue(props, key, (Double) table.configKeys().get(key).defaultValue));
    }

    /** The key's value in {@code props} (trimmed), else its default in {@code table}. */
    public static String stringValue(Map<?, ?> props, ConfigDef table, String key) {
        Object v = props.get(key);
        return v == null ? (String) table.configKeys().get(key).defaultValue : v.toString().trim();
    }

    /** A table's keys and defaults as a --config file would spell them. */
    public static Map<String, String> defaults(ConfigDef table) {
        Map<String, String> out = new LinkedHashMap<>();
        table.configKeys().forEach((key, def) -> out.put(key, String.valueOf(def.defaultValue)));
        return out;
    }

    /** A table as markdown: key, default, meaning; every line starts with {@code indent} (a list item's, or ""). */
    public static String markdown(ConfigDef table, String indent) {
        StringBuilder out = new StringBuilder(indent + "| key | default | meaning |\n" + indent + "|---|---|---|\n");
        table.configKeys().forEach((key, def) -> {
            Object value = def.defaultValue;
            String text = value instanceof Double d && d == Math.rint(d) && !d.isInfinite() ? Long.toString(d.longValue())
                    : String.valueOf(value);
            out.append(indent).append("| `").append(key).append("` | ")
                    .append(def.type == ConfigDef.Type.STRING ? "`" + text + "`" : text)
                    .append(" | ").append(def.documentation).append(" |\n");
        });
        return out.toString();
    }
}
