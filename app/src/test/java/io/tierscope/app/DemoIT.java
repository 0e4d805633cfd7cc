package io.tierscope.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, end to end in this JVM: embedded broker and registry, topology,
 * planner, query service, synthetic fleet. Standard output must be the table (header with units,
 * one row per VM per window, windows in order, no log lines) and the summary, twice on the same
 * data dir; the second run shows only its own windows, not the first run's replayed from state.
 */
class DemoIT {
    /** "12:00:00-12:00:10  vm-1        155.4k     105.9      16.1     0.66 ...". */
    private static final Pattern VM_ROW = Pattern.compile("(?m)^(\\d\\d:\\d\\d:\\d\\d)-\\d\\d:\\d\\d:\\d\\d  (vm-\\d+) +\\S+ +\\S+ +\\S+((?: +(?:\\d\\.\\d\\d|-))+)$");

    @Test
    void printsTheTableInWindowOrderAndOnlyThisRunsWindows(@TempDir Path dataDir) {
        String lastWindowOfFirstRun = null;
        for (int run = 1; run <= 2; run++) {
            String out = runDemo(dataDir);
            assertTrue(out.contains("tierscope demo: stopped cleanly"), "run " + run + ":\n" + out);
            assertTrue(out.contains("logs in " + dataDir.resolve("embedded").resolve("demo.log").toAbsolutePath()), out);
            assertFalse(out.contains(" INFO ") || out.contains(" WARN "), "no log lines on standard output:\n" + out);
            assertTrue(Pattern.compile("(?m)^WINDOW +VM +REFS +WS MiB +HOT MiB +1MiB +4MiB +16MiB +64MiB +256MiB +1GiB$").matcher(out).find(),
                    "the header names the units and the curve sizes (up to the largest VM, 1 GiB):\n" + out);
            Matcher m = VM_ROW.matcher(out);
            List<String> windows = new ArrayList<>();
            List<String> vms = new ArrayList<>();
            while (m.find()) {
                windows.add(m.group(1));
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
                    assertTrue(windows.get(i).compareTo(windows.get(i - 1)) >= 0, "windows in order:\n" + out);
                }
            }
            if (lastWindowOfFirstRun != null) {
                assertTrue(windows.get(0).compareTo(lastWindowOfFirstRun) > 0, "the second run shows none of the first run's windows:\n" + out);
            }
            lastWindowOfFirstRun = windows.get(windows.size() - 1);
            assertTrue(Pattern.compile("(?m)^summary: ran 30 s; [\\d,]+ samples from 2 VMs").matcher(out).find(), out);
            assertTrue(Pattern.compile("(?m)^vm-1 +\\d+ +\\d+\\.\\d +\\d+\\.\\d").matcher(out).find(), "per-VM summary:\n" + out);
        }
        assertTrue(Files.exists(dataDir.resolve("embedded").resolve("demo.log")));
    }

    private static int freePort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String runDemo(Path dataDir) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exit;
        try (PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            exit = Main.commandLine().execute("demo", "--duration", "30", "--vms", "2", "--rate", "5000",
                    "--window-seconds", "10", "--dashboard-port", Integer.toString(freePort()),
                    "--data-dir", dataDir.toString());
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        original.print(out);
        assertEquals(0, exit, out);
        return out;
    }
}
