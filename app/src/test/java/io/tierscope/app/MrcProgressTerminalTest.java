package io.tierscope.app;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
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
        assumeTrue(Files.isExecutable(TerminalRun.SCRIPT), "util-linux script is needed for a pty");
        Path trace = TerminalRun.uniformTrace(dir.resolve("big.csv"), 2_000_000);
        Path out = dir.resolve("mrc.csv");
        String terminal = TerminalRun.underPty(dir, "mrc", "--trace", trace.toString(), "--out", out.toString());

        TerminalRun.assertProgressUpdates(terminal, UPDATE);
        assertTrue(terminal.contains("default: 2,000,000 references"), terminal);
        // The live line is erased (spaces, then \r) before the summary, which starts a line of its own.
        assertTrue(Pattern.compile("\r +\rdefault: 2,000,000 references").matcher(terminal).find(), terminal);
        assertTrue(Files.readAllLines(out).size() > 10, "the curve was written");
    }

    @Test
    void redirectedStandardErrorGetsNoLiveLine(@TempDir Path dir) throws Exception {
        Path trace = TerminalRun.uniformTrace(dir.resolve("big.csv"), 2_000_000);
        String text = TerminalRun.redirected(dir, "mrc", "--trace", trace.toString(), "--out", dir.resolve("mrc.csv").toString());
        assertFalse(text.contains("\r"), text);
        assertTrue(text.contains("default: 2,000,000 references"), text);
    }
}
