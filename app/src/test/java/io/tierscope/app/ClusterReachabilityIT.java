package io.tierscope.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.cli.ClusterCheck;
import io.tierscope.platform.Platform;
import io.tierscope.platform.testing.PlatformExtension;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

/**
 * The reachability check against a real broker and a real Apicurio registry: each wrong address
 * is one line naming it and the setting to fix, exit 1, within seconds rather than the clients'
 * minute; the right addresses pass.
 */
@ExtendWith(PlatformExtension.class)
class ClusterReachabilityIT {
    /** Generous for a loaded machine; the clients' own waits are 60 s and more. */
    private static final Duration WITHIN = Duration.ofSeconds(40);

    @Test
    void theRealPlatformPasses(Platform platform) {
        String clusterId = ClusterCheck.broker(platform.bootstrapServers(), Map.of(), ClusterCheck.DEFAULT_TIMEOUT);
        assertFalse(clusterId.isBlank());
        ClusterCheck.registry(platform.schemaRegistryUrl(), ClusterCheck.DEFAULT_TIMEOUT);
    }

    @Test
    void aClosedBrokerPortNamesTheAddressAndTheSetting(Platform platform) throws IOException {
        String closed = closedPort();
        String err = failsWithOneLine("heat", "order", "--vm", "x", "--coldest",
                "--bootstrap-servers", closed, "--schema-registry", platform.schemaRegistryUrl());
        assertTrue(err.contains("Kafka at " + closed) && err.contains("KAFKA_BOOTSTRAP_SERVERS") && err.contains("--bootstrap-servers"), err);
    }

    @Test
    void aClosedRegistryPortNamesTheUrlAndTheSetting(Platform platform) throws IOException {
        String url = "http://" + closedPort() + "/apis/ccompat/v7";
        String err = failsWithOneLine("heat", "order", "--vm", "x", "--coldest",
                "--bootstrap-servers", platform.bootstrapServers(), "--schema-registry", url);
        assertTrue(err.contains("schema registry at " + url) && err.contains("SCHEMA_REGISTRY_URL") && err.contains("--schema-registry"), err);
    }

    @Test
    void aRegistryUrlWithoutTheApiPathIsToldSo(Platform platform) {
        URI api = URI.create(platform.schemaRegistryUrl());
        String root = api.getScheme() + "://" + api.getAuthority();
        String err = failsWithOneLine("streams", "--bootstrap-servers", platform.bootstrapServers(), "--schema-registry", root);
        assertTrue(err.contains(root + " does not answer as a Confluent-compatible schema registry"), err);
        assertTrue(err.contains("/apis/ccompat/v7") && err.contains("SCHEMA_REGISTRY_URL"), err);
    }

    private static String failsWithOneLine(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err, true));
        long start = System.nanoTime();
        int exit = cli.execute(args);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        String line = err.toString().strip();
        assertEquals(1, exit, line);
        assertEquals(1, line.lines().count(), line);
        assertTrue(took.compareTo(WITHIN) < 0, "answered in " + took + ": " + line);
        return line;
    }

    private static String closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return "127.0.0.1:" + s.getLocalPort();
        }
    }
}
