package io.tierscope.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * The command-line contract (docs/cli.md) over every command, in-process through
 * {@link Main#commandLine()}: each bad invocation gives its exit code and exactly one line on
 * stderr that names what is wrong, and no stack trace.
 */
class CliContractTest {
    /** A loopback port nothing listens on (bound, then closed). */
    static String closedPort;

    @TempDir
    static Path dir;

    static Path goodTrace;
    static Path malformedTrace;

    @BeforeAll
    static void setUp() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = "127.0.0.1:" + s.getLocalPort();
        }
        goodTrace = Files.writeString(dir.resolve("good.csv"), "page,xwr,vm\n1,r,a\n2,w,a\n5,xr,b\n1,r,a\n");
        malformedTrace = Files.writeString(dir.resolve("malformed.csv"), "1,r\n2,r\nnot-a-page\n");
    }

    record Run(int exit, String out, String err) {
    }

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    static String[] cluster(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap-servers", closedPort, "--schema-registry", "http://" + closedPort));
        return all.toArray(String[]::new);
    }

    /** exit code, what stderr's one line must contain, the arguments. */
    static Stream<Arguments> badInvocations() {
        String missing = dir.resolve("no-such-file").toString();
        String noDir = dir.resolve("no-such-dir/x.csv").toString();
        return Stream.of(
                // usage: unknown commands and options, missing arguments
                Arguments.of(2, "tierscope: Unmatched argument", new String[] {"frobnicate"}),
                Arguments.of(2, "tierscope: a subcommand is required", new String[] {}),
                Arguments.of(2, "tierscope heat order: Missing required argument", new String[] {"heat", "order", "--vm", "x"}),
                Arguments.of(2, "tierscope trace: a subcommand is required", new String[] {"trace"}),
                // usage: every numeric option out of range names itself, before anything connects
                Arguments.of(2, "--threads must be 1..1024, got 0", cluster("streams", "--threads", "0")),
                Arguments.of(2, "--standby-replicas must be >= 0, got -1", cluster("streams", "--standby-replicas", "-1")),
                Arguments.of(2, "--window-seconds must be 10..3600, got 5", cluster("streams", "--window-seconds", "5")),
                Arguments.of(2, "--grace-seconds must be >= 0, got -1", cluster("streams", "--grace-seconds", "-1")),
                Arguments.of(2, "--partitions must be >= 1, got 0", cluster("streams", "--partitions", "0")),
                Arguments.of(2, "--replication-factor must be >= 1, got 0", cluster("streams", "--replication-factor", "0")),
                Arguments.of(2, "--timeout-seconds must be >= 1, got 0", cluster("heat", "order", "--vm", "x", "--coldest", "--timeout-seconds", "0")),
                Arguments.of(2, "--limit must be >= 0, got -1", cluster("heat", "order", "--vm", "x", "--coldest", "--limit", "-1")),
                Arguments.of(2, "--duration must be >= 0, got -1", new String[] {"demo", "--duration", "-1"}),
                Arguments.of(2, "--vms must be 1..10000, got 0", new String[] {"demo", "--vms", "0"}),
                Arguments.of(2, "--rate must be a number >= 0, got -1", new String[] {"demo", "--rate", "-1"}),
                Arguments.of(2, "--dashboard-port must be 1..65535, got 0", new String[] {"demo", "--dashboard-port", "0"}),
                Arguments.of(2, "--kafka-port must be 0..65535, got 70000", new String[] {"platform", "--kafka-port", "70000"}),
                Arguments.of(2, "--partitions must be >= 1, got 0", new String[] {"platform", "--partitions", "0"}),
                Arguments.of(2, "--period-seconds must be 1..3600, got 0", cluster("plan", "--period-seconds", "0")),
                Arguments.of(2, "--threads must be 1..1024, got 0", cluster("plan", "--threads", "0")),
                Arguments.of(2, "--metrics-port must be 0 to 65535, got 70000", cluster("streams", "--metrics-port", "70000")),
                Arguments.of(2, "--rate-limit must be >= 1, got 0", cluster("execute", "--rate-limit", "0")),
                Arguments.of(2, "--rounds must be >= 0, got -1", cluster("execute", "--rounds", "-1")),
                Arguments.of(2, "--port must be 1..65535, got 0", cluster("serve", "--port", "0")),
                Arguments.of(2, "--standby-replicas must be >= 0, got -1", cluster("serve", "--standby-replicas", "-1")),
                Arguments.of(2, "--partitions must be >= 1, got 0", cluster("inventory", "show", "--partitions", "0")),
                Arguments.of(2, "--sample-rate must be in (0, 1], got 2.0", new String[] {"mrc", "--trace", "x", "--sample-rate", "2"}),
                Arguments.of(2, "--speed must be a positive factor", cluster("collect", "--speed", "0")),
                Arguments.of(2, "--to: unknown trace format 'png'", new String[] {"trace", "convert", "--in", "x", "--out", "y", "--to", "png"}),
                Arguments.of(2, "--to lackey is not supported", new String[] {"trace", "convert", "--in", "x", "--out", "y", "--to", "lackey"}),
                // failures at the job: missing or unusable files, with the reason
                Arguments.of(1, "no such file or directory: " + missing, cluster("collect", "--config", missing)),
                Arguments.of(1, "tierscope streams: no such file or directory: " + missing, cluster("streams", "--config", missing)),
                Arguments.of(1, "tierscope plan: no such file or directory: " + missing, cluster("plan", "--config", missing)),
                Arguments.of(1, "tierscope streams: --config DIR: Is a directory", cluster("streams", "--config", "DIR")),
                Arguments.of(1, "no such file: " + missing, new String[] {"mrc", "--trace", missing}),
                Arguments.of(1, "is a directory", new String[] {"mrc", "--trace", dir.toString()}),
                Arguments.of(1, "cannot write --out " + noDir + ": no directory", new String[] {"mrc", "--trace", "GOOD", "--out", noDir}),
                Arguments.of(1, "cannot write --out " + dir + ": it is a directory", new String[] {"mrc", "--trace", "GOOD", "--out", dir.toString()}),
                Arguments.of(1, "malformed.csv:3: page number", new String[] {"mrc", "--trace", "MALFORMED"}),
                Arguments.of(1, "no such file: " + missing, new String[] {"trace", "convert", "--in", missing, "--out", "y", "--to", "bin"}),
                Arguments.of(1, "cannot write " + noDir, new String[] {"trace", "convert", "--in", "GOOD", "--out", noDir, "--to", "bin"}),
                Arguments.of(1, "malformed.csv:3: page number", new String[] {"trace", "convert", "--in", "MALFORMED", "--out", dir.resolve("m.bin").toString(), "--to", "bin"}),
                // failures at the job: nothing listens at the cluster address (checked within seconds, before starting)
                Arguments.of(1, "cannot connect to Kafka at CLOSED: connection refused (check --bootstrap-servers or $KAFKA_BOOTSTRAP_SERVERS)",
                        cluster("streams")),
                Arguments.of(1, "cannot connect to Kafka at CLOSED", cluster("heat", "order", "--vm", "x", "--hottest")),
                Arguments.of(1, "cannot connect to Kafka at CLOSED", cluster("plan")),
                Arguments.of(1, "cannot connect to Kafka at CLOSED", cluster("serve", "--port", "1")),
                Arguments.of(1, "cannot connect to Kafka at CLOSED", cluster("inventory", "show")),
                Arguments.of(1, "cannot connect to Kafka at CLOSED", cluster("query", "vms", "--direct")),
                Arguments.of(1, "no query service at http://CLOSED (connection refused)", new String[] {"query", "vms", "--url", "http://CLOSED"}),
                Arguments.of(2, "--limit must be >= 1, got 0", new String[] {"query", "heat", "--vm", "x", "--coldest", "--limit", "0"}),
                Arguments.of(2, "--budget", new String[] {"simulate", "--synthetic", "zipf", "--budget", "-1"}),
                Arguments.of(1, "cannot connect to Kafka at CLOSED", cluster("collect", "--source", "synthetic", "--duration", "1s")),
                Arguments.of(1, "cannot connect to Kafka at CLOSED", cluster("collect", "--source", "trace", "--trace", "GOOD")));
    }

    @ParameterizedTest(name = "[{index}] {2} -> exit {0}")
    @MethodSource("badInvocations")
    void oneLineAndTheExitCode(int exit, String message, String[] args) {
        String[] resolved = Stream.of(args).map(CliContractTest::resolve).toArray(String[]::new);
        String expected = resolve(message);
        Run r = run(resolved);
        String err = r.err().strip();
        assertEquals(exit, r.exit(), String.join(" ", resolved) + "\nstderr: " + r.err());
        assertEquals(1, err.lines().count(), "one line on stderr for " + String.join(" ", resolved) + ":\n" + r.err());
        assertTrue(err.contains(expected), "'" + expected + "' in: " + err);
        assertTrue(err.startsWith("tierscope"), err);
        assertFalse(err.contains("Exception"), "no exception class names: " + err);
    }

    private static String resolve(String s) {
        return s.replace("GOOD", goodTrace.toString()).replace("MALFORMED", malformedTrace.toString()).replace("CLOSED", closedPort)
                .replace("DIR", dir.toString());
    }

    @Test
    void verboseAddsTheStackTraceAfterTheLine() {
        Run r = run("--verbose", "collect", "--config", dir.resolve("no-such-file").toString(),
                "--bootstrap-servers", closedPort, "--schema-registry", "http://" + closedPort);
        assertEquals(1, r.exit());
        List<String> lines = r.err().lines().toList();
        assertTrue(lines.get(0).startsWith("tierscope collect: no such file or directory: "), r.err());
        assertTrue(lines.size() > 2 && lines.get(1).contains("NoSuchFileException"), r.err());
    }

    @Test
    void versionAndCompletion() {
        Run version = run("--version");
        assertEquals(0, version.exit());
        assertTrue(version.out().startsWith("tierscope "), version.out());

        Run completion = run("completion");
        assertEquals(0, completion.exit(), completion.err());
        String script = completion.out();
        assertTrue(script.contains("complete -F _complete_tierscope"), "registers a bash completion function");
        // Every command is in it, subcommands of subcommands too, with their options.
        for (String command : new String[] {"demo", "collect", "streams", "mrc", "heat", "trace", "completion", "query"}) {
            assertTrue(script.contains(command), command);
        }
        assertTrue(script.contains("--timeout-seconds") && script.contains("--to"), "options of nested subcommands");
    }

    @Test
    void helpOfEveryCommandFitsAndSaysItsExitCodes() {
        Run root = run("--help");
        assertEquals(0, root.exit());
        assertTrue(root.out().contains("130 interrupted"), root.out());
        for (String[] command : new String[][] {{"demo"}, {"platform"}, {"collect"}, {"streams"}, {"mrc"}, {"heat"}, {"heat", "order"},
                {"inventory"}, {"plan"}, {"execute"}, {"simulate"}, {"serve"}, {"query"}, {"trace"}, {"trace", "convert"}, {"completion"}}) {
            String[] args = Stream.concat(Stream.of(command), Stream.of("--help")).toArray(String[]::new);
            Run r = run(args);
            assertEquals(0, r.exit(), String.join(" ", command));
            assertTrue(r.out().startsWith("Usage: tierscope " + String.join(" ", command)), r.out());
            assertTrue(r.out().contains("--verbose"), "the global --verbose is inherited: " + String.join(" ", command));
        }
    }
}
