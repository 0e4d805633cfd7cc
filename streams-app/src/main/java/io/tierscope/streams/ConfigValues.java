package io.tierscope.streams;

import java.util.Map;

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
}
