package io.tierscope.platform.kafka;

import java.nio.file.Path;
import java.util.Properties;

/**
 * Server properties of the single-node KRaft cluster: one process is broker and controller,
 * both listeners on loopback, and every replication factor and min ISR at 1 so transactions
 * (exactly_once_v2) and consumer groups work with one node.
 */
public final class BrokerSettings {
    public static final int NODE_ID = 1;
    public static final String LOG_DIR_NAME = "kafka-logs";

    private BrokerSettings() {
    }

    public static Path logDir(Path dataDir) {
        return dataDir.resolve(LOG_DIR_NAME);
    }

    public static Properties properties(Path dataDir, int kafkaPort, int controllerPort) {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", Integer.toString(NODE_ID));
        p.setProperty("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + kafkaPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + kafkaPort);
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        String logDir = logDir(dataDir).toAbsolutePath().toString();
        p.setProperty("log.dirs", logDir);
        p.setProperty("metadata.log.dir", logDir);

        p.setProperty("offsets.topic.replication.factor", "1");
        p.setProperty("transaction.state.log.replication.factor", "1");
        p.setProperty("transaction.state.log.min.isr", "1");
        p.setProperty("share.coordinator.state.topic.replication.factor", "1");
        p.setProperty("share.coordinator.state.topic.min.isr", "1");
        // Fewer internal partitions than the defaults (50): creating them on first use is what
        // makes the first group join / first transaction slow on a small machine.
        p.setProperty("offsets.topic.num.partitions", "4");
        p.setProperty("transaction.state.log.num.partitions", "4");
        p.setProperty("group.initial.rebalance.delay.ms", "0");
        p.setProperty("num.partitions", "1");
        return p;
    }
}
