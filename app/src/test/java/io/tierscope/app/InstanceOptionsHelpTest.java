package io.tierscope.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** streams, plan and serve share their instance options; each shows its own application id and state dir defaults. */
class InstanceOptionsHelpTest {
    @ParameterizedTest
    @CsvSource({"streams, tierscope-streams, data/streams", "plan, tierscope-planner, data/planner",
            "serve, tierscope-query, data/query"})
    void eachCommandShowsItsOwnDefaults(String command, String applicationId, String stateDir) {
        StringWriter out = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        assertEquals(0, cli.execute(command, "--help"));
        String help = out.toString().replaceAll("\\s+", " ");
        assertTrue(help.contains("share the work (default: " + applicationId + ")"), help);
        assertTrue(help.contains("Local state directory (default: " + stateDir + ")"), help);
        CommandLine root = Main.commandLine();
        root.parseArgs(command);
        CommandLine parsed = root.getSubcommands().get(command);
        assertEquals(applicationId, parsed.getCommandSpec().findOption("--application-id").getValue());
        assertEquals(stateDir, parsed.getCommandSpec().findOption("--state-dir").getValue().toString());
        assertTrue(help.contains("--threads") && help.contains("--standby-replicas") && help.contains("--partitions")
                && help.contains("--replication-factor"), help);
    }
}
