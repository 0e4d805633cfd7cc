package io.tierscope.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, end to end in this JVM: embedded broker and registry, topology,
 * synthetic fleet; per-VM results must be printed and the run must end cleanly, twice on the same
 * data dir (the second run reuses broker data, registry ids and stream state).
 */
class DemoIT {
    /** e.g. "[12:00:00-12:00:10] vm-1     mrc  ws 12.3k pages  4K:1.00 64K:0.93 1M:0.67". */
    private static final Pattern MRC = Pattern.compile("\\] (vm-\\d+)\\s+mrc\\s+ws \\S+ pages ((?:\\s+\\d+[KMGT]?:\\d\\.\\d\\d)+)");

    @Test
    void printsPerVmResultsAndStopsCleanlyTwice(@TempDir Path dataDir) {
        for (int run = 1; run <= 2; run++) {
            String out = runDemo(dataDir);
            assertTrue(out.contains("tierscope demo: stopped cleanly"), "run " + run + ":\n" + out);
            Matcher m = MRC.matcher(out);
            java.util.Set<String> vms = new java.util.HashSet<>();
            while (m.find()) {
                vms.add(m.group(1));
                assertTrue(m.group(2).trim().startsWith("4K:"), "run " + run + ": curve from one page up\n" + out);
            }
            assertEquals(java.util.Set.of("vm-1", "vm-2"), vms, "run " + run + ": an MRC line per VM\n" + out);
            // The executor (over the demo's simulated memory) reports on the plans: a result line per VM and plan.
            assertTrue(Pattern.compile("\\] vm-\\d+\\s+execute moved \\d+ of \\d+").matcher(out).find(),
                    "run " + run + ": an executor line\n" + out);
        }
    }

    private static String runDemo(Path dataDir) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exit;
        try (PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
            System.setOut(capture);
            exit = Main.commandLine().execute("demo", "--duration", "30", "--vms", "2", "--rate", "5000",
                    "--window-seconds", "10", "--data-dir", dataDir.toString());
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        original.print(out);
        assertEquals(0, exit, out);
        return out;
    }
}
