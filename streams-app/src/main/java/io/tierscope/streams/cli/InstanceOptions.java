package io.tierscope.streams.cli;

import io.tierscope.cli.OptionRange;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/**
 * The options of one Kafka Streams instance, shared by every command that runs one ({@code streams},
 * {@code plan}). The application id and state dir defaults differ per command: each names them with
 * its own {@link Defaults} as its {@code defaultValueProvider}.
 */
public final class InstanceOptions {
    @Option(names = "--application-id",
            description = "Kafka Streams application.id; instances with the same id share the work (default: ${DEFAULT-VALUE}).")
    private String applicationId;

    @Option(names = "--state-dir", paramLabel = "DIR", description = "Local state directory (default: ${DEFAULT-VALUE}).")
    private Path stateDir;

    @Option(names = "--standby-replicas", defaultValue = "0",
            description = "Standby replicas of each state store, 0 = none (default: ${DEFAULT-VALUE}).")
    private int standbyReplicas;

    @Option(names = "--threads", defaultValue = "1", description = "Stream threads in this instance, 1 to 1024 (default: ${DEFAULT-VALUE}).")
    private int threads;

    @Option(names = "--partitions", defaultValue = "6", description = "Partitions of topics this instance creates (default: ${DEFAULT-VALUE}).")
    private int partitions;

    @Option(names = "--replication-factor", defaultValue = "1",
            description = "Replication factor of topics this instance creates (default: ${DEFAULT-VALUE}).")
    private short replicationFactor;

    /** A command's defaults for the application id and state dir. */
    public abstract static class Defaults implements IDefaultValueProvider {
        private final String applicationId;
        private final String stateDir;

        protected Defaults(String applicationId, String stateDir) {
            this.applicationId = applicationId;
            this.stateDir = stateDir;
        }

        @Override
        public String defaultValue(ArgSpec arg) {
            if (arg instanceof OptionSpec option) {
                return switch (option.longestName()) {
                    case "--application-id" -> applicationId;
                    case "--state-dir" -> stateDir;
                    default -> null;
                };
            }
            return null;
        }
    }

    /** Range checks, each naming its option (usage errors, before anything connects). */
    public void validate() {
        OptionRange.atLeast("--standby-replicas", standbyReplicas, 0);
        OptionRange.between("--threads", threads, 1, 1024);
        OptionRange.atLeast("--partitions", partitions, 1);
        OptionRange.atLeast("--replication-factor", replicationFactor, 1);
    }

    /** The Kafka Streams settings these options set (they win over a --config file's). */
    public Map<String, String> streamsSettings() {
        return Map.of("num.standby.replicas", Integer.toString(standbyReplicas), "num.stream.threads", Integer.toString(threads));
    }

    public String applicationId() {
        return applicationId;
    }

    public Path stateDir() {
        return stateDir;
    }

    public int partitions() {
        return partitions;
    }

    public short replicationFactor() {
        return replicationFactor;
    }
}
