package io.tierscope.streams.heat.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class HeatCommandTest {
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return new CommandLine(new HeatCommand()).setErr(new PrintWriter(err)).setOut(new PrintWriter(new StringWriter()))
                .execute(args);
    }

    @Test
    void orderNeedsExactlyOneDirection() {
        assertEquals(2, run("order", "--vm", "vm-1", "--bootstrap-servers", "x:1", "--schema-registry", "http://x"));
        assertTrue(err.toString().contains("(--coldest | --hottest)"), err.toString());
        assertEquals(2, run("order", "--vm", "vm-1", "--coldest", "--hottest"));
        assertTrue(err.toString().contains("mutually exclusive"), err.toString());
    }

    @Test
    void badValuesAreRejectedBeforeConnecting() {
        CommandLine cli = new CommandLine(new HeatCommand()).setErr(new PrintWriter(err));
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            err.write(ex.getMessage());
            return 2;
        });
        assertEquals(2, cli.execute("order", "--vm", "vm-1", "--hottest", "--bit", "x", "--bootstrap-servers", "x:1",
                "--schema-registry", "http://x"));
        assertTrue(err.toString().contains("--bit must be accessed or dirty, got 'x'"), err.toString());
        assertEquals(2, cli.execute("order", "--vm", "vm-1", "--hottest", "--limit", "-1"));
        assertTrue(err.toString().contains("--limit must be >= 0, got -1"), err.toString());
    }
}
