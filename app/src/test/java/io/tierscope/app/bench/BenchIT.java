package io.tierscope.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tierscope.app.Main;
import io.tierscope.platform.Platform;
import io.tierscope.platform.testing.PlatformExtension;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code tierscope bench --short} end to end against the test platform: streams and collector as child JVMs, one
 * step. Asserts the JSON's shape and that its figures are sane (no timing assertions: whether this busy machine
 * sustains the step decides the exit code, 0 or 1, and both must give a complete report).
 */
@ExtendWith(PlatformExtension.class)
class BenchIT {
    @Test
    void shortRunWritesACompleteReport(Platform platform, @TempDir Path dir) throws Exception {
        Path json = dir.resolve("bench.json");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute("bench", "--short", "--json", json.toString(), "--data-dir", dir.resolve("data").toString(),
                "--bootstrap-servers", platform.bootstrapServers(), "--schema-registry", platform.schemaRegistryUrl());
        System.out.println(out);
        System.out.println(err);
        assertTrue(exit == 0 || exit == 1, "exit " + exit + ": " + err);
        assertTrue(out.toString().contains("sustained: "), out.toString());

        JsonNode root = new ObjectMapper().readTree(json.toFile());
        for (String key : List.of("sustained_samples_per_s", "sustained_scan_pages_per_s", "latency_p50_ms", "latency_p99_ms",
                "wire_bytes_per_sample", "changelog_bytes_per_sample", "sustained_step", "sustained_scan_step", "settings",
                "machine", "steps")) {
            assertTrue(root.has(key), "JSON has " + key + ": " + root);
        }
        JsonNode settings = root.get("settings");
        assertEquals(2, settings.get("vms").asInt());
        assertEquals(5000.0, settings.get("rate_per_vm").asDouble());
        assertEquals(32768, settings.get("footprint_pages").asLong());
        assertEquals("external", settings.get("platform").asText());
        assertTrue(settings.get("short").asBoolean());
        assertFalse(settings.get("scan_ramp").asBoolean());

        assertEquals(1, root.get("steps").size());
        JsonNode step = root.get("steps").get(0);
        assertEquals(10_000, step.get("offered_samples_per_s").asLong());
        assertEquals(32_768, step.get("footprint_pages").asLong());
        assertEquals(2 * 32_768, step.get("offered_scan_pages_per_s").asLong());
        // The collector published what it was asked for, within a wide margin (no timing: a loaded box may lag).
        assertTrue(step.get("published_samples_per_s").asDouble() > 1_000, step.toString());
        assertTrue(step.get("published_samples_per_s").asDouble() < 100_000, step.toString());
        // Scans of 2 x 32768 pages every second.
        assertTrue(step.get("scan_pages_per_s").asDouble() > 0, step.toString());
        assertTrue(step.get("scan_pages_per_s").asDouble() <= 2 * 65_536 * 1.5, step.toString());
        for (String process : List.of("streams", "collector", "platform+bench")) {
            JsonNode p = step.get("processes").get(process);
            assertTrue(p.get("cpu_cores").asDouble() >= 0 && p.get("cpu_cores").asDouble() <= 64, process + ": " + p);
            assertTrue(p.get("peak_rss_mib").asDouble() > 10, process + ": " + p);
            assertTrue(p.has("cpu_ns_per_scan_page"), process + ": " + p);
        }
        assertTrue(root.get("samples_published").asLong() > 10_000, root.toString());
        // The README table's bytes per sample, per step: the raw-samples topic's and the changelogs' growth.
        double stepWire = step.get("wire_bytes_per_sample").asDouble();
        assertTrue(stepWire > 0.1 && stepWire < 64, "step wire bytes per sample " + stepWire);
        assertTrue(step.get("changelog_bytes_per_sample").asDouble() >= 0, step.toString());
        assertTrue(step.get("scan_bytes").asLong() > 0, step.toString());
        double wire = root.get("wire_bytes_per_sample").asDouble();
        assertTrue(wire > 0.1 && wire < 64, "wire bytes per sample " + wire);
        assertTrue(root.get("changelog_bytes_per_sample").asDouble() >= 0, root.toString());
        if (exit == 0) {
            assertTrue(step.get("sustained").asBoolean());
            assertEquals(step.get("processed_samples_per_s").asLong(), root.get("sustained_samples_per_s").asLong());
            assertTrue(root.get("sustained_scan_pages_per_s").asLong() > 0);
            assertEquals(1, root.get("sustained_scan_step").asInt());
        } else {
            assertFalse(step.get("sustained").asBoolean());
            assertEquals(0, root.get("sustained_samples_per_s").asLong());
        }
        JsonNode latency = step.get("latency").get("all");
        if (latency.get("count").asInt() > 0) {
            // A window's outputs cannot be readable before it ended (plus the 1 s grace).
            assertTrue(latency.get("p50_ms").asDouble() >= 0 && latency.get("p99_ms").asDouble() >= latency.get("p50_ms").asDouble(),
                    latency.toString());
        }
        // The run directory (broker-less here: logs and state) is deleted without --keep-data.
        try (var left = Files.list(dir.resolve("data"))) {
            assertEquals(0, left.count());
        }
    }
}
