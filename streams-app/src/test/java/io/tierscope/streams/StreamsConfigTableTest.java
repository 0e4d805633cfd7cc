package io.tierscope.streams;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.cli.GeneratedDocs;
import io.tierscope.streams.heat.HeatConfig;
import io.tierscope.streams.mrc.MrcSettings;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StreamsConfigTableTest {
    @Test
    void theReadmeTableIsTheGeneratedOne() throws IOException {
        String block = GeneratedDocs.block(Path.of("../README.md"), "streams-config");
        assertEquals(StreamsConfigTable.markdown(), block,
                "README's streams configuration table differs from StreamsConfigTable: regenerate it with its main");
    }

    @Test
    void theTabledDefaultsAreTheSettingsDefaults() {
        assertEquals(StreamsAppConfig.defaults(), StreamsAppConfig.from(StreamsConfigTable.defaults()));
    }

    @Test
    void everyKeyConstantIsTabled() throws IllegalAccessException {
        Set<String> constants = new HashSet<>();
        for (Class<?> owner : new Class<?>[] {StreamsAppConfig.class, MrcSettings.class, HeatConfig.class}) {
            for (Field f : owner.getFields()) {
                if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class
                        && f.get(null).toString().startsWith("tierscope.")) {
                    constants.add(f.get(null).toString());
                }
            }
        }
        assertEquals(constants, StreamsConfigTable.DEFINITION.names());
    }

    @Test
    void eachOwnerTablesOnlyItsOwnKeys() {
        assertTrue(MrcSettings.DEFINITION.names().stream().allMatch(k -> k.startsWith("tierscope.mrc.") || k.equals(MrcSettings.PAGE_SIZE_BYTES)));
        assertTrue(HeatConfig.DEFINITION.names().stream().allMatch(k -> k.startsWith("tierscope.heat.")));
        assertTrue(StreamsAppConfig.DEFINITION.names().stream().noneMatch(k -> k.startsWith("tierscope.mrc.") || k.startsWith("tierscope.heat.")));
        assertEquals(MrcSettings.defaults(), MrcSettings.from(ConfigValues.defaults(MrcSettings.DEFINITION)));
        assertEquals(HeatConfig.defaults(), HeatConfig.from(ConfigValues.defaults(HeatConfig.DEFINITION)));
    }
}
