package io.tierscope.platform.process;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogTailTest {

    @Test
    void keepsTheLastLines(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("x.log");
        Files.writeString(log, IntStream.range(0, 100).mapToObj(i -> "line " + i).collect(Collectors.joining("\n", "", "\n")));
        assertEquals(String.join(System.lineSeparator(), "line 97", "line 98", "line 99"), LogTail.lastLines(log, 3));
    }

    @Test
    void shortAndMissingLogs(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("short.log");
        Files.writeString(log, "only");
        assertEquals("only", LogTail.lastLines(log, 5));
        assertTrue(LogTail.lastLines(dir.resolve("none.log"), 5).contains("no log at"));
    }
}
