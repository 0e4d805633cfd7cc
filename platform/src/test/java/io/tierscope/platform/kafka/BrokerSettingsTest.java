package io.tierscope.platform.kafka;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BrokerSettingsTest {

    @Test
    void singleNodeKraftOnLoopbackWithReplicationOne() {
        Properties p = BrokerSettings.properties(Path.of("/data/x"), 19092, 19093);
        assertEquals("broker,controller", p.getProperty("process.roles"));
        assertEquals("1@127.0.0.1:19093", p.getProperty("controller.quorum.voters"));
        assertEquals("PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093", p.getProperty("listeners"));
        assertEquals("PLAINTEXT://127.0.0.1:19092", p.getProperty("advertised.listeners"));
        assertEquals("/data/x/kafka-logs", p.getProperty("log.dirs"));
        assertEquals("/data/x/kafka-logs", p.getProperty("metadata.log.dir"));
        assertEquals("1", p.getProperty("offsets.topic.replication.factor"));
        assertEquals("1", p.getProperty("transaction.state.log.replication.factor"));
        assertEquals("1", p.getProperty("transaction.state.log.min.isr"));
        assertEquals("0", p.getProperty("group.initial.rebalance.delay.ms"));
    }

    @Test
    void theConfigIsAcceptedByKafka() {
        // KafkaConfig validates listener/role/quorum consistency; a bad combination throws here.
        kafka.server.KafkaConfig config = kafka.server.KafkaConfig.fromProps(
                BrokerSettings.properties(Path.of("/data/x"), 19092, 19093), false);
        assertEquals(1, config.nodeId());
    }
}
