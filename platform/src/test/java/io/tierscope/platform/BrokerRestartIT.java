package io.tierscope.platform;

import io.tierscope.platform.kafka.BrokerMain;
import io.tierscope.platform.testing.PlatformExtension;
import io.tierscope.platform.testing.TestTopics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

@ExtendWith(PlatformExtension.class)
class BrokerRestartIT {

    @Test
    void terminalInterruptDoesNotStopTheBroker(Platform platform) throws Exception {
        assumeTrue(platform instanceof EmbeddedPlatform, "needs the embedded platform");
        EmbeddedPlatform embedded = (EmbeddedPlatform) platform;
        ProcessHandle broker = ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().map(c -> c.contains(BrokerMain.class.getName())
                        && c.contains(embedded.dataDir().toString())).orElse(false))
                .findFirst().orElseThrow(() -> new AssertionError("no broker process under this JVM"));
        for (String signal : List.of("-INT", "-HUP")) {
            assertEquals(0, new ProcessBuilder("kill", signal, Long.toString(broker.pid())).start().waitFor());
        }
        // A round trip through the broker gives a signal-driven shutdown ample time to show.
        String topic = TestTopics.create(platform, PlatformExtension.uniqueTopic("sigint"), 1);
        KafkaTestClients.send(embedded.bootstrapServers(), topic, List.of("still-here"));
        assertEquals(List.of("still-here"), KafkaTestClients.read(embedded.bootstrapServers(), topic, "read_committed", 1));
        assertTrue(broker.isAlive());
        assertTrue(embedded.brokerRunning());
    }

    @Test
    void stopAndStartKeepsTheDataAndTheAddress(Platform platform) throws Exception {
        assumeTrue(platform instanceof EmbeddedPlatform, "needs the embedded platform");
        EmbeddedPlatform embedded = (EmbeddedPlatform) platform;
        String bootstrap = embedded.bootstrapServers();
        String topic = TestTopics.create(platform, PlatformExtension.uniqueTopic("restart"), 1);
        List<String> values = List.of("a", "b", "c", "d", "e");
        KafkaTestClients.send(bootstrap, topic, values);

        embedded.stopBroker();
        assertFalse(embedded.brokerRunning());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 1000))) {
            assertThrows(ExecutionException.class,
                    () -> admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000)).nodes().get(),
                    "nobody should answer while the broker is stopped");
        }

        embedded.startBroker();
        assertTrue(embedded.brokerRunning());
        assertEquals(bootstrap, embedded.bootstrapServers());
        assertEquals(values, KafkaTestClients.read(bootstrap, topic, "read_committed", values.size()));
    }
}
