package io.tierscope.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs {@code tierscope} in a child JVM the way a person or a script does: under a real terminal (a pty from
 * util-linux {@code script}), or with standard error redirected to a file. For the progress-line tests.
 */
final class TerminalRun {
    static final Path SCRIPT = Path.of("/usr/bin/script");

    private TerminalRun() {
    }

    /** Everything the command wrote to the terminal (standard output and error, as the pty saw them); exit 0 asserted. */
    static String underPty(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(quote(java()), "-cp", quote(System.getProperty("java.class.path")),
                Main.class.getName()));
        for (String arg : args) {
            command.add(quote(arg));
        }
        Path captured = dir.resolve("terminal.txt");
        Process p = new ProcessBuilder(SCRIPT.toString(), "-q", "-e", "-c", String.join(" ", command), "/dev/null")
                .redirectErrorStream(true).redirectOutput(captured.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the command under script did not end");
        String text = Files.readString(captured, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        return text;
    }

    /** What the command wrote to standard error, redirected to a file; exit 0 asserted. */
    static String redirected(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(java(), "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(command).redirectError(err.toFile()).redirectOutput(dir.resolve("out.txt").toFile()).start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the command did not end");
        String text = Files.readString(err);
        assertEquals(0, p.exitValue(), text);
        return text;
    }

    /**
     * Checks the in-place progress updates in {@code terminal} that {@code update} matches (group 1: the percentage,
     * group 2: the ETA, if any): at least one, percentages only grow, an ETA from the second on; returns how many.
     */
    static int assertProgressUpdates(String terminal, Pattern update) {
        Matcher m = update.matcher(terminal);
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
        return updates;
    }

    /** {@code accesses} uniform accesses over a million pages, one page number a line: long enough to show progress. */
    static Path uniformTrace(Path file, int accesses) throws IOException {
        Random random = new Random(7);
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
            for (int i = 0; i < accesses; i++) {
                w.write(Integer.toString(random.nextInt(1 << 20)));
                w.write('\n');
            }
        }
        return file;
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
