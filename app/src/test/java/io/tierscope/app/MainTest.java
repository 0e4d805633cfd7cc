package io.tierscope.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The launcher's contract: every command has help; bad arguments are one line and exit code 2. */
class MainTest {
    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"demo", "platform", "collect", "streams", "mrc", "heat"}) {
            StringWriter out = new StringWriter();
            CommandLine cli = Main.commandLine();
            cli.setOut(new PrintWriter(out));
            assertEquals(0, cli.execute(command, "--help"), command);
            assertTrue(out.toString().startsWith("Usage: tierscope " + command), out.toString());
        }
    }

    @Test
    void badArgumentsAreOneLineAndExitTwo() {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        assertEquals(2, cli.execute("demo", "--duration", "soon"));
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertTrue(err.toString().contains("--duration"), err.toString());
    }

    @Test
    void unknownCommandIsABadArgument() {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        assertEquals(2, cli.execute("frobnicate"));
        assertTrue(err.toString().startsWith("tierscope: "), err.toString());
    }

    @Test
    void aSubcommandIsRequired() {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err));
        assertEquals(2, cli.execute());
    }

    /** main() builds only the command it runs: same help, same one-line errors, --verbose still inherited. */
    @Test
    void aCommandBuiltAloneKeepsTheContract() {
        for (String command : new String[] {"demo", "mrc", "trace", "query"}) {
            CommandLine alone = Main.commandLine(command);
            assertEquals(1, alone.getSubcommands().size(), command);
            StringWriter out = new StringWriter();
            alone.setOut(new PrintWriter(out));
            assertEquals(0, alone.execute(command, "--help"), command);
            assertTrue(out.toString().startsWith("Usage: tierscope " + command), out.toString());
        }
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine("mrc");
        cli.setErr(new PrintWriter(err));
        assertEquals(2, cli.execute("mrc", "--trace", "x.csv", "--sample-size", "many"));
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertTrue(err.toString().startsWith("tierscope mrc: "), err.toString());
        assertTrue(Main.commandLine("mrc").getSubcommands().get("mrc").getCommandSpec().findOption("--verbose") != null);
        // help and completion read the other commands; an unknown name gets the full list (and its error).
        assertEquals(Main.SUBCOMMANDS.length, Main.commandLine("help").getSubcommands().size());
        assertEquals(Main.SUBCOMMANDS.length, Main.commandLine("frobnicate").getSubcommands().size());
    }
}
