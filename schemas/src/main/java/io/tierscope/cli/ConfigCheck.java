package io.tierscope.cli;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Predicate;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * Checks of the settings tables ({@link ConfigDef}s) the commands keep: one line naming the
 * setting (or option) and the value, in the style of {@link OptionRange}; the table's docs print
 * the range.
 */
public final class ConfigCheck {
    private ConfigCheck() {
    }

    /**
     * @param name  how messages name a key: "" for {@code tierscope.*} keys, "--" for a command's options
     * @param range what {@code ok} accepts, as the message and the docs say it ("in (0, 1]", ">= 0")
     */
    public static ConfigDef.Validator that(String name, Predicate<Object> ok, String range) {
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String key, Object value) {
                if (value != null && !ok.test(value)) {
                    throw new ConfigException(name + key + " must be " + range + ", got " + value);
                }
            }

            @Override
            public String toString() {
                return range;
            }
        };
    }

    /** One of {@code values}, in any case (the settings lower-case what they are given). */
    public static ConfigDef.Validator oneOf(String name, String... values) {
        List<String> allowed = List.of(values);
        return new ConfigDef.Validator() {
            @Override
            public void ensureValid(String key, Object value) {
                if (value != null && !allowed.contains(value.toString().toLowerCase(Locale.ROOT))) {
                    throw new ConfigException(name + key + " must be " + String.join(" or ", allowed) + ", got '" + value + "'");
                }
            }

            @Override
            public String toString() {
                return String.join(", ", allowed);
            }
        };
    }

    /**
     * {@code value} if {@code def}'s check of {@code key} accepts it.
     *
     * @throws IllegalArgumentException the check's one-line message
     */
    public static <T> T ensure(ConfigDef def, String key, T value) {
        ConfigDef.ConfigKey k = Objects.requireNonNull(def.configKeys().get(key), key);
        if (k.validator != null) {
            try {
                k.validator.ensureValid(key, value);
            } catch (ConfigException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
        return value;
    }
}
