package io.tierscope.app;

import io.tierscope.cli.ClusterCheck;
import io.tierscope.collector.cli.CollectCommand;
import io.tierscope.executor.cli.ExecuteCommand;
import io.tierscope.query.cli.QueryCommand;
import io.tierscope.query.cli.ServeCommand;
import io.tierscope.planner.cli.PlanCommand;
import io.tierscope.planner.inventory.InventoryCommand;
import io.tierscope.simulator.SimulateCommand;
import io.tierscope.streams.heat.cli.HeatCommand;
import io.tierscope.streams.cli.StreamsCommand;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/**
 * {@code ./tierscope}: one launcher, one subcommand per job. The command-line contract (docs/cli.md):
 * exit 0 done, 1 failed at its job, 2 bad usage, 130 interrupted; one line on stderr per error,
 * stack traces only with {@code --verbose} (or $TIERSCOPE_DEBUG).
 */
@Command(name = "tierscope", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Fleet-wide guest page-access telemetry on Apache Kafka.",
        footer = {"", "Exit codes: 0 done, 1 failed at its job, 2 bad usage, 130 interrupted."},
        subcommands = {DemoCommand.class, PlatformCommand.class, CollectCommand.class, StreamsCommand.class, MrcCommand.class, HeatCommand.class,
                InventoryCommand.class, PlanCommand.class, ExecuteCommand.class, SimulateCommand.class, ServeCommand.class, QueryCommand.class,
                TraceCommand.class, CompletionCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_INTERRUPTED = 130;
    static final String DEBUG_ENV = "TIERSCOPE_DEBUG";

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Option(names = "--verbose", scope = ScopeType.INHERIT,
            description = "On failure, print the stack trace too (also: $" + DEBUG_ENV + " set).")
    private boolean verbose;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line: bad arguments give one line and exit code 2; failures one line and 1. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setParameterExceptionHandler((ex, args) -> {
            CommandLine failed = ex.getCommandLine();
            failed.getErr().println(failed.getCommandSpec().qualifiedName() + ": " + withoutPicocliPrefix(ex.getMessage())
                    + " (see '" + failed.getCommandSpec().qualifiedName() + " --help')");
            return EXIT_USAGE;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            String command = commandLine.getCommandSpec().qualifiedName();
            int code;
            if (ex instanceof IllegalArgumentException && !(ex instanceof ClusterCheck.UnreachableException)) {
                commandLine.getErr().println(command + ": " + ex.getMessage() + " (see '" + command + " --help')");
                code = EXIT_USAGE;
            } else if (ex instanceof InterruptedException) {
                commandLine.getErr().println(command + ": interrupted");
                code = EXIT_INTERRUPTED;
            } else {
                commandLine.getErr().println(command + ": " + describe(ex));
                code = EXIT_FAILED;
            }
            if (verbose(parseResult)) {
                ex.printStackTrace(commandLine.getErr());
            }
            commandLine.getErr().flush();
            return code;
        });
        return cli;
    }

    /** One line saying what went wrong, for a person: the JDK's file errors name the file but not the reason. */
    static String describe(Throwable ex) {
        Throwable t = ex;
        // Wrappers with no message of their own say nothing: describe what they wrap.
        while (t.getCause() != null && t.getCause() != t
                && (t.getMessage() == null || t.getMessage().equals(t.getCause().toString()))) {
            t = t.getCause();
        }
        if (t instanceof FileSystemException fs) {
            String file = fs.getFile() == null ? "" : fs.getFile();
            String other = fs.getOtherFile() == null ? "" : " -> " + fs.getOtherFile();
            if (fs instanceof NoSuchFileException) {
                return "no such file or directory: " + file + other;
            }
            if (fs instanceof AccessDeniedException) {
                return "permission denied: " + file + other;
            }
            if (fs instanceof NotDirectoryException) {
                return "not a directory: " + file;
            }
            if (fs instanceof FileAlreadyExistsException) {
                return "already exists: " + file;
            }
            if (fs instanceof DirectoryNotEmptyException) {
                return "directory not empty: " + file;
            }
            return file + other + ": " + (fs.getReason() == null ? fs.getClass().getSimpleName() : fs.getReason());
        }
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            return t.getClass().getSimpleName();
        }
        return m.lines().findFirst().orElse(m);
    }

    /** Whether --verbose was given anywhere on the command line (or $TIERSCOPE_DEBUG is set). */
    static boolean verbose(ParseResult parseResult) {
        if (System.getenv(DEBUG_ENV) != null) {
            return true;
        }
        for (ParseResult pr = parseResult; pr != null; pr = pr.subcommand()) {
            if (pr.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /** Picocli's argument-group messages start with "Error: ", which our one-line prefix already says. */
    private static String withoutPicocliPrefix(String message) {
        return message == null ? "invalid arguments" : message.replaceFirst("^Error: ", "");
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"tierscope " + (v == null ? "(development build)" : v)};
        }
    }
}
