package io.tierscope.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mrc} on a trace file under a real terminal (a pty from util-linux {@code script}): the
 * progress line is rewritten in place with the percentage of the file and an ETA, and erased
 * before the closing summary; with standard error redirected to a file there is no live line.
 */
class MrcProgressTerminalTest {
    /** "\rmrc:  42% of 15.6 MB, ETA 0:03, 123,456 references (61,728/s)". */
    private static final Pattern UPDATE = Pattern.compile("\rmrc: +(\\d+)% of [\\d.]+ MB(, ETA \\d+:\\d\\d)?, [\\d,]+ references \\([\\d,]+/s\\)");

    @Test
    void showsPercentageAndEtaOnATerminal(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/script")), "util-linux script is needed for a pty");
        Path trace = trace(dir.resolve("big.csv"));
        Path out = dir.resolve("mrc.csv");
        String terminal = run(List.of("/usr/bin/script", "-q", "-e", "-c", command(trace, out), "/dev/null"), dir);

        Matcher m = UPDATE.matcher(terminal);
        int updates = 0;
        int lastPercent = -1;
        while (m.find()) {
            int percent = Integer.parseInt(m.group(1));
            assertTrue(percent >= lastPercent && percent <= 100, "percentages only grow:\n" + terminal);
            if (updates > 0) {
                assertTrue(m.group(2) != null || percent == 100, "an ETA from the second update on:\n" + terminal);
            }
            lastPercent = percent;
            updates++;
        }
        assertTrue(updates >= 1, "at least one progress update:\n" + terminal);
        assertTrue(terminal.contains("default: 2,000,000 references"), terminal);
        // The live line is erased (spaces, then \r) before the summary, which starts a line of its own.
        assertTrue(Pattern.compile("\r +\rdefault: 2,000,000 references").matcher(terminal).find(), terminal);
        assertTrue(Files.readAllLines(out).size() > 10, "the curve was written");
    }

    @Test
    void redirectedStandardErrorGetsNoLiveLine(@TempDir Path dir) throws Exception {
        Path trace = trace(dir.resolve("big.csv"));
        Path err = dir.resolve("err.txt");
        ProcessBuilder pb = new ProcessBuilder(java(), "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "mrc", "--trace", trace.toString(), "--out", dir.resolve("mrc.csv").toString())
                .redirectError(err.toFile()).redirectOutput(dir.resolve("out.txt").toFile());
        Process p = pb.start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), Files.readString(err));
        String text = Files.readString(err);
        assertFalse(text.contains("\r"), text);
        assertTrue(text.contains("default: 2,000,000 references"), text);
    }

    /** Two million uniform accesses over a million pages: long enough to show progress. */
    private static Path trace(Path file) throws IOException {
        Random random = new Random(7);
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
            for (int i = 0; i < 2_000_000; i++) {
                w.write(Integer.toString(random.nextInt(1 << 20)));
                w.write('\n');
            }
        }
        return file;
    }

    private static String command(Path trace, Path out) {
        return String.join(" ", quote(java()), "-cp", quote(System.getProperty("java.class.path")), Main.class.getName(),
                "mrc", "--trace", quote(trace.toString()), "--out", quote(out.toString()));
    }

    private static String run(List<String> command, Path dir) throws Exception {
        Path captured = dir.resolve("terminal.txt");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(captured.toFile())
                .redirectInput(ProcessBuilder.Redirect.PIPE).start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "mrc under script did not end");
        String text = Files.readString(captured, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        return text;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
