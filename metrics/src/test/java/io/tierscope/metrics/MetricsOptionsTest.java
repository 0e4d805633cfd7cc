package io.tierscope.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class MetricsOptionsTest {
    @Command(name = "probe")
    static final class Probe {
        @Mixin
        MetricsOptions metrics = new MetricsOptions();
    }

    private static MetricsOptions parse(String... args) {
        Probe probe = new Probe();
        new CommandLine(probe).parseArgs(args);
        return probe.metrics;
    }

    @Test
    void offUnlessAPortIsGiven() {
        MetricsOptions options = parse();
        assertFalse(options.enabled());
        assertNull(options.startIfEnabled(Metrics.newRegistry("test")));
    }

    @Test
    void aPortOutOfRangeIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse("--metrics-port", "70000").validate());
        assertTrue(e.getMessage().startsWith("--metrics-port must be 0 to 65535"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> parse("--metrics-port", "-1").validate());
    }

    @Test
    void servesTheRegistryOnTheGivenAddress() throws Exception {
        PrometheusMeterRegistry registry = Metrics.newRegistry("probe");
        registry.counter("tierscope.probe.events").increment(2);
        try (Metrics.MetricsServer server = parse("--metrics-port", "0", "--metrics-bind", "127.0.0.1").startIfEnabled(registry)) {
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            assertTrue(response.body().contains("tierscope_probe_events_total{app=\"probe\"} 2.0"), response.body());
        }
    }
}
