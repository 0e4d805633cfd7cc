package io.tierscope.platform.kafka;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BrokerMainArgumentsTest {

    @Test
    void parsesAllOptions() {
        BrokerMain.Arguments a = BrokerMain.Arguments.parse(new String[]{
                "--data-dir", "/tmp/d", "--kafka-port", "9092", "--controller-port", "9093"});
        assertEquals(Path.of("/tmp/d"), a.dataDir());
        assertEquals(9092, a.kafkaPort());
        assertEquals(9093, a.controllerPort());
    }

    @Test
    void rejectsBadInputWithTheOffendingValue() {
        IllegalArgumentException notNumber = assertThrows(IllegalArgumentException.class, () -> BrokerMain.Arguments.parse(
                new String[]{"--data-dir", "/d", "--kafka-port", "x9", "--controller-port", "9093"}));
        assertTrue(notNumber.getMessage().contains("--kafka-port") && notNumber.getMessage().contains("x9"), notNumber.getMessage());
        IllegalArgumentException outOfRange = assertThrows(IllegalArgumentException.class, () -> BrokerMain.Arguments.parse(
                new String[]{"--data-dir", "/d", "--kafka-port", "70000", "--controller-port", "9093"}));
        assertTrue(outOfRange.getMessage().contains("70000"), outOfRange.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> BrokerMain.Arguments.parse(
                new String[]{"--data-dir", "/d", "--port", "1"}));
        assertTrue(unknown.getMessage().contains("--port"), unknown.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> BrokerMain.Arguments.parse(
                new String[]{"--data-dir", "/d"}));
        assertTrue(missing.getMessage().contains("required"), missing.getMessage());
        IllegalArgumentException dangling = assertThrows(IllegalArgumentException.class, () -> BrokerMain.Arguments.parse(
                new String[]{"--data-dir"}));
        assertTrue(dangling.getMessage().contains("--data-dir"), dangling.getMessage());
    }
}
