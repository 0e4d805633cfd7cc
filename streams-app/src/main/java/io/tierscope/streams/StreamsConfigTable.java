package io.tierscope.streams;

import io.tierscope.streams.heat.HeatConfig;
import io.tierscope.streams.mrc.MrcSettings;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;

/**
 * The streams app's {@code tierscope.*} settings as one Kafka {@link ConfigDef}: key, type, default,
 * importance, doc, combined from their owners' tables ({@link StreamsAppConfig} its own keys,
 * {@link MrcSettings} {@code tierscope.mrc.*}, {@link HeatConfig} {@code tierscope.heat.*}), which
 * read their defaults from them. The README's configuration table is generated from it
 * ({@link #main}; a test fails when they differ).
 */
public final class StreamsConfigTable {
    public static final ConfigDef DEFINITION = combine(StreamsAppConfig.DEFINITION, MrcSettings.DEFINITION, HeatConfig.DEFINITION);

    private StreamsConfigTable() {
    }

    /** Every key with its default, as a --config file would spell it. */
    public static Map<String, String> defaults() {
        return ConfigValues.defaults(DEFINITION);
    }

    private static ConfigDef combine(ConfigDef... owners) {
        ConfigDef all = new ConfigDef();
        for (ConfigDef owner : owners) {
            owner.configKeys().values().forEach(all::define);
        }
        return all;
    }

    /** The README's table (two-space indented, inside its list item). */
    public static String markdown() {
        return ConfigValues.markdown(DEFINITION, "  ");
    }

    /** Prints {@link #markdown()}: paste it between the README's streams-config markers. */
    public static void main(String[] args) {
        System.out.print(markdown());
    }
}
