package io.tierscope.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code trace convert} under a real terminal (a pty from util-linux {@code script}), as {@code mrc}: one progress
 * line rewritten in place with the percentage of the input file and an ETA, erased before the closing line; with
 * standard error redirected, no live line.
 */
class TraceConvertProgressTerminalTest {
    /** "\rtrace convert:  42% of 20.2 MB, ETA 0:03, 1,234,567 accesses (612,345/s)". */
    private static final Pattern UPDATE = Pattern.compile(
            "\rtrace convert: +(\\d+)% of [\\d.]+ MB(, ETA \\d+:\\d\\d)?, [\\d,]+ accesses \\([\\d,]+/s\\)");
    private static final int ACCESSES = 3_000_000;

    @Test
    void showsPercentageAndEtaOnATerminal(@TempDir Path dir) throws Exception {
        assumeTrue(Files.isExecutable(TerminalRun.SCRIPT), "util-linux script is needed for a pty");
        Path in = TerminalRun.uniformTrace(dir.resolve("big.csv"), ACCESSES);
        Path out = dir.resolve("big.csv.gz"); // compressed on the way: long enough for progress to show
        String terminal = TerminalRun.underPty(dir, "trace", "convert", "--in", in.toString(), "--out", out.toString(), "--to", "csv");

        TerminalRun.assertProgressUpdates(terminal, UPDATE);
        // The live line is erased (spaces, then \r) before the closing line, which starts a line of its own.
        assertTrue(Pattern.compile("\r +\rtierscope trace convert: 3,000,000 accesses, ").matcher(terminal).find(), terminal);
        assertTrue(Files.size(out) > 0);
    }

    @Test
    void redirectedStandardErrorGetsNoLiveLine(@TempDir Path dir) throws Exception {
        Path in = TerminalRun.uniformTrace(dir.resolve("big.csv"), ACCESSES);
        String text = TerminalRun.redirected(dir, "trace", "convert", "--in", in.toString(), "--out",
                dir.resolve("big.bin").toString(), "--to", "bin");
        assertFalse(text.contains("\r"), text);
        assertTrue(text.lines().allMatch(l -> l.startsWith("trace convert: ") || l.startsWith("tierscope trace convert: ")),
                "progress lines (if the run took 10 s) and the closing line only:\n" + text);
        assertEquals(1, text.lines().filter(l -> l.startsWith("tierscope trace convert: 3,000,000 accesses, ")).count(), text);
    }
}
