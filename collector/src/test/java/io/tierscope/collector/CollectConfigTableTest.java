package io.tierscope.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tierscope.cli.GeneratedDocs;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CollectConfigTableTest {
    @Test
    void theReadmeTableIsTheGeneratedOne() throws IOException {
        String block = GeneratedDocs.block(Path.of("../README.md"), "collect-config");
        assertEquals(CollectConfigTable.markdown(), block,
                "README's collector settings table differs from CollectConfigTable: regenerate it with its main");
    }

    @Test
    void fileValuesAreParsedToTheirTypeAndCheckedNamingTheOption() {
        assertEquals(1024.0, CollectConfigTable.parse(CollectConfigTable.BUFFER_MB, " 1_024 "));
        assertEquals(false, CollectConfigTable.parse(CollectConfigTable.CREATE_TOPICS, "false"));
        assertEquals("LZ4", CollectConfigTable.parse(CollectConfigTable.COMPRESSION, "LZ4"), "as the option, any case");
        assertMessage("buffer-mb must be a number, got 'lots'", CollectConfigTable.BUFFER_MB, "lots");
        assertMessage("partitions must be an integer, got '1.5'", CollectConfigTable.PARTITIONS, "1.5");
        assertMessage("create-topics must be true or false, got 'yes'", CollectConfigTable.CREATE_TOPICS, "yes");
        assertMessage("--prefilter-rate must be in (0, 1], got 2.0", CollectConfigTable.PREFILTER_RATE, "2");
        assertMessage("--compression must be zstd or lz4 or snappy or gzip or none, got 'zip'", CollectConfigTable.COMPRESSION, "zip");
        assertMessage("--delivery-timeout: 'soon' is not a duration (e.g. 250ms, 90s, 5m, 1h)",
                CollectConfigTable.DELIVERY_TIMEOUT, "soon");
    }

    @Test
    void everySettingIsAnOptionOfCollectThatDefaultsFromTheTable() {
        picocli.CommandLine.Model.CommandSpec spec =
                new picocli.CommandLine(new io.tierscope.collector.cli.CollectCommand()).getCommandSpec();
        for (String key : CollectConfigTable.DEFINITION.names()) {
            assertNotNull(spec.findOption("--" + key), "collect has no option --" + key);
        }
    }

    @Test
    void anUnknownSettingNamesTheNearestKnownOne() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CollectConfigTable.requireKnown("bufer-mb"));
        assertEquals("unknown setting 'bufer-mb' (did you mean 'buffer-mb'?)", e.getMessage());
    }

    private static void assertMessage(String expected, String key, String text) {
        assertEquals(expected, assertThrows(IllegalArgumentException.class, () -> CollectConfigTable.parse(key, text)).getMessage());
    }
}
