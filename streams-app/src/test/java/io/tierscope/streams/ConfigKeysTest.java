package io.tierscope.streams;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tierscope.streams.mrc.MrcSettings;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ConfigKeysTest {
    private static String refusal(String key) {
        return assertThrows(IllegalArgumentException.class,
                () -> ConfigKeys.requireKnown(Set.of(key), StreamsConfigTable.DEFINITION.names(), "--config f")).getMessage();
    }

    @Test
    void aMisspeltKeyIsRefusedWithTheNearestKnownOne() {
        assertEquals("unknown key tierscope.windw.ms in --config f; did you mean tierscope.window.ms?",
                refusal("tierscope.windw.ms"));
        assertEquals("unknown key tierscope.heat.ttl in --config f; did you mean tierscope.heat.ttl.ms?",
                refusal("tierscope.heat.ttl"));
        assertEquals("unknown key num.stream.thread in --config f; did you mean num.stream.threads?",
                refusal("num.stream.thread"));
        assertEquals("unknown key producer.linger.m in --config f; did you mean producer.linger.ms?",
                refusal("producer.linger.m"));
    }

    @Test
    void aKeyLikeNoKnownOneIsRefusedWithoutAGuess() {
        assertEquals("unknown key tierscope.nothing.like.it in --config f", refusal("tierscope.nothing.like.it"));
        assertEquals("unknown key frobnicate in --config f (not a Kafka Streams, client or topic setting)",
                refusal("frobnicate"));
    }

    @Test
    void kafkaSettingsBareOrUnderTheirPrefixesAndOwnKeysPass() {
        assertDoesNotThrow(() -> ConfigKeys.requireKnown(List.of("processing.guarantee", "max.poll.records",
                "consumer.max.poll.records", "main.consumer.fetch.max.bytes", "restore.consumer.max.poll.records",
                "producer.linger.ms", "admin.retries", "topic.retention.ms", "security.protocol", "ssl.truststore.location",
                StreamsAppConfig.WINDOW_MS, MrcSettings.MRC_DECAY), StreamsConfigTable.DEFINITION.names(), "--config f"));
    }
}
