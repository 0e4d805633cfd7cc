package io.tierscope.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, end to end in this JVM: embedded broker and registry, topology,
 * planner, query service, synthetic fleet. Standard output must be the table (header with units,
 * one row per VM per window, windows in order, no log lines) and the summary, twice on the same
 * data dir; the second run shows only its own windows, not the first run's replayed from state.
 * Windows are compared as instants (a run may cross midnight). And once {@code --secured}.
 */
class DemoIT {
    /** "12:00:00-12:00:10  vm-1        155.4k     105.9      16.1     0.66 ...". */
    private static final Pattern VM_ROW = Pattern.compile("(?m)^(\\d\\d:\\d\\d:\\d\\d)-\\d\\d:\\d\\d:\\d\\d  (vm-\\d+) +\\S+ +\\S+ +\\S+((?: +(?:\\d\\.\\d\\d|-))+)$");

    @Test
    void printsTheTableInWindowOrderAndOnlyThisRunsWindows(@TempDir Path dataDir) {
        Instant lastWindowOfFirstRun = null;
        for (int run = 1; run <= 2; run++) {
            Instant started = Instant.now();
            String out = runDemo(dataDir);
            ZonedDateTime ended = ZonedDateTime.now(ZoneId.systemDefault());
            assertTrue(out.contains("tierscope demo: stopped cleanly"), "run " + run + ":\n" + out);
            assertTrue(out.contains("logs in " + dataDir.resolve("embedded").resolve("demo.log").toAbsolutePath()), out);
            assertFalse(out.contains(" INFO ") || out.contains(" WARN "), "no log lines on standard output:\n" + out);
            assertTrue(Pattern.compile("(?m)^WINDOW +VM +REFS +WS MiB +HOT MiB +1MiB +4MiB +16MiB +64MiB +256MiB +1GiB$").matcher(out).find(),
                    "the header names the units and the curve sizes (up to the largest VM, 1 GiB):\n" + out);
            Matcher m = VM_ROW.matcher(out);
            List<Instant> windows = new ArrayList<>();
            List<String> vms = new ArrayList<>();
            while (m.find()) {
                Instant window = windowStart(m.group(1), ended);
                assertFalse(window.isBefore(started.minusSeconds(10)), "run " + run + ": a window of this run only:\n" + out);
                windows.add(window);
                vms.add(m.group(2));
                assertEquals(6, m.group(3).trim().split(" +").length, "a ratio per size column:\n" + out);
            }
            assertFalse(windows.isEmpty(), "run " + run + ": result rows\n" + out);
            // The executor (over the demo's simulated memory) reports on the plans: a row per VM and plan.
            assertTrue(Pattern.compile("(?m)^\\d\\d:\\d\\d:\\d\\d-\\d\\d:\\d\\d:\\d\\d  vm-\\d+ +execute \\(previous window's plan\\) moved \\d+ of \\d+")
                    .matcher(out).find(), "run " + run + ": an executor row\n" + out);
            for (int i = 0; i < windows.size(); i++) {
                assertEquals(i % 2 == 0 ? "vm-1" : "vm-2", vms.get(i), "a row per VM per window, in fleet order:\n" + out);
                assertEquals(windows.get(i - i % 2), windows.get(i), "both VMs' rows of a window together:\n" + out);
                if (i > 0) {
                    assertFalse(windows.get(i).isBefore(windows.get(i - 1)), "windows in order:\n" + out);
                }
            }
            if (lastWindowOfFirstRun != null) {
                assertTrue(windows.get(0).isAfter(lastWindowOfFirstRun), "the second run shows none of the first run's windows:\n" + out);
            }
            lastWindowOfFirstRun = windows.get(windows.size() - 1);
            assertTrue(Pattern.compile("(?m)^summary: ran 30 s; [\\d,]+ samples from 2 VMs").matcher(out).find(), out);
            assertTrue(Pattern.compile("(?m)^vm-1 +\\d+ +\\d+\\.\\d +\\d+\\.\\d").matcher(out).find(), "per-VM summary:\n" + out);
        }
        assertTrue(Files.exists(dataDir.resolve("embedded").resolve("demo.log")));
    }

    /** A run that crosses midnight: its windows before midnight are of the day before. */
    @Test
    void windowStartsAreInstantsAcrossMidnight() {
        ZonedDateTime justAfterMidnight = ZonedDateTime.of(2026, 12, 8, 0, 0, 25, 0, ZoneId.systemDefault());
        Instant before = windowStart("23:59:50", justAfterMidnight);
        Instant after = windowStart("00:00:10", justAfterMidnight);
        assertEquals(Duration.ofSeconds(20), Duration.between(before, after));
        assertEquals(justAfterMidnight.minusSeconds(15).toInstant(), after);
    }

    /**
     * The instant of a window the table shows as {@code HH:mm:ss} (local time, as the demo prints it): the last such
     * time at or before the run ended. Exact for runs shorter than a day; comparing the strings is not, at midnight.
     */
    private static Instant windowStart(String clock, ZonedDateTime runEnded) {
        ZonedDateTime at = runEnded.with(LocalTime.parse(clock));
        return (at.isAfter(runEnded) ? at.minusDays(1) : at).toInstant();
    }

    private static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * {@code demo --secured}: every component as its own least-privilege user, the executor too (its rows show that
     * it reads plans and writes results with the executor's ACLs alone), and the dashboard's pipeline lag is read by
     * the query user (DESCRIBE on the streams app's and the planner's groups), not "unknown".
     */
    @Test
    void securedRunsTheExecutorAsItsOwnUserAndTheQueryUserReadsThePipelineLag(@TempDir Path dataDir) throws Exception {
        int port = freePort();
        AtomicReference<JsonNode> lagRead = new AtomicReference<>();
        AtomicReference<String> lastLag = new AtomicReference<>("");
        Thread poller = new Thread(() -> {
            HttpClient http = HttpClient.newHttpClient();
            URI lag = URI.create("http://127.0.0.1:" + port + "/api/v1/lag");
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(lag).timeout(Duration.ofSeconds(10)).build(),
                            HttpResponse.BodyHandlers.ofString());
                    lastLag.set(r.body());
                    JsonNode groups = new ObjectMapper().readTree(r.body()).get("groups");
                    boolean allRead = groups != null && groups.size() == 2;
                    for (JsonNode g : groups == null ? List.<JsonNode>of() : groups) {
                        allRead &= g.get("error").isNull() && g.get("lag").asLong() >= 0;
                    }
                    if (allRead) {
                        lagRead.compareAndSet(null, groups);
                    }
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception notUpYet) {
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }, "demo-it-lag-poller");
        poller.setDaemon(true);
        poller.start();
        String out;
        try {
            out = runDemo(dataDir, port, "--secured");
        } finally {
            poller.interrupt();
            poller.join(15_000);
        }
        assertTrue(out.contains("tierscope demo: stopped cleanly"), out);
        assertTrue(out.contains("executor, query service and printer each run as their own least-privilege user"), out);
        assertTrue(Pattern.compile("(?m)^\\d\\d:\\d\\d:\\d\\d-\\d\\d:\\d\\d:\\d\\d  vm-\\d+ +execute \\(previous window's plan\\) moved \\d+ of \\d+")
                .matcher(out).find(), "an executor row, from the executor user:\n" + out);
        JsonNode groups = lagRead.get();
        assertTrue(groups != null, "the query user read both groups' lag during the run; last answer: " + lastLag.get());
        assertEquals("tierscope-demo-streams", groups.get(0).get("group").asText());
        assertEquals("tierscope-demo-planner", groups.get(1).get("group").asText());
        String log = Files.readString(dataDir.resolve("secured").resolve("demo.log"));
        assertFalse(log.contains("AuthorizationException"), "no component was refused: "
                + log.lines().filter(l -> l.contains("AuthorizationException")).limit(5).toList());
    }

    private static String runDemo(Path dataDir) {
        return runDemo(dataDir, freePort());
    }

    private static String runDemo(Path dataDir, int dashboardPort, String... extra) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of("demo", "--duration", "30", "--vms", "2", "--rate", "5000",
                "--window-seconds", "10", "--dashboard-port", Integer.toString(dashboardPort), "--data-dir", dataDir.toString()));
        args.addAll(List.of(extra));
        int exit;
        try (PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            exit = Main.commandLine().execute(args.toArray(String[]::new));
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        original.print(out);
        assertEquals(0, exit, out);
        return out;
    }
}
