package io.tierscope.app;

import io.tierscope.collector.cli.CollectCommand;
import io.tierscope.executor.cli.ExecuteCommand;
import io.tierscope.query.cli.QueryCommand;
import io.tierscope.query.cli.ServeCommand;
import io.tierscope.planner.cli.PlanCommand;
import io.tierscope.planner.inventory.InventoryCommand;
import io.tierscope.simulator.SimulateCommand;
import io.tierscope.streams.heat.cli.HeatCommand;
import io.tierscope.streams.cli.StreamsCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./tierscope}: one launcher, one subcommand per job. */
@Command(name = "tierscope", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Fleet-wide guest page-access telemetry on Apache Kafka.",
        subcommands = {DemoCommand.class, PlatformCommand.class, CollectCommand.class, StreamsCommand.class, MrcCommand.class, HeatCommand.class,
                InventoryCommand.class, PlanCommand.class, ExecuteCommand.class, SimulateCommand.class, ServeCommand.class, QueryCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line: bad arguments give one line and exit code 2; failures one line and 1. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Main());
        cli.setParameterExceptionHandler((ex, args) -> {
            ex.getCommandLine().getErr().println("tierscope: " + ex.getMessage()
                    + " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return 2;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof IllegalArgumentException) {
                commandLine.getErr().println("tierscope: " + ex.getMessage());
                return 2;
            }
            commandLine.getErr().println("tierscope: " + commandLine.getCommandName() + " failed: " + ex.getMessage());
            if (System.getenv("TIERSCOPE_DEBUG") != null) {
                ex.printStackTrace(commandLine.getErr());
            }
            return 1;
        });
        return cli;
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
