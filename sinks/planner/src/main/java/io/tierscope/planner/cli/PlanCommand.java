package io.tierscope.planner.cli;

import io.tierscope.cli.ClusterOptions;
import io.tierscope.cli.ConfigFile;
import io.tierscope.cli.OptionRange;
import io.tierscope.cli.ShutdownSignal;
import io.tierscope.metrics.MetricsOptions;
import io.tierscope.metrics.StreamsMetrics;
import io.tierscope.planner.PlannerConfig;
import io.tierscope.planner.PlannerRunner;
import io.tierscope.streams.StreamsRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tierscope plan}: runs one instance of the tiering planner until SIGTERM / Ctrl-C. */
@Command(name = "plan", mixinStandardHelpOptions = true,
        description = {"Run one instance of the tiering planner.",
                "Per host and planning period it publishes the split of the fast tier across its VMs "
                        + "(tierscope.tiering.allocations) and the page moves (tierscope.tiering.plans).",
                "Start more with the same --application-id to scale out: Kafka spreads the hosts across them."})
public final class PlanCommand implements Callable<Integer> {
    @Mixin
    private ClusterOptions cluster;

    @Option(names = "--application-id", defaultValue = PlannerRunner.DEFAULT_APPLICATION_ID,
            description = "Kafka Streams application.id; instances with the same id share the hosts (default: ${DEFAULT-VALUE}).")
    private String applicationId;

    @Option(names = "--state-dir", defaultValue = "data/planner", paramLabel = "DIR",
            description = "Local state directory (default: ${DEFAULT-VALUE}).")
    private Path stateDir;

    @Option(names = "--period-seconds", paramLabel = "S", description = "Planning period, 1 to 3600 s of event time (default 60).")
    private Long periodSeconds;

    @Option(names = "--standby-replicas", defaultValue = "0", description = "Standby replicas of each state store, 0 = none (default: ${DEFAULT-VALUE}).")
    private int standbyReplicas;

    @Option(names = "--threads", defaultValue = "1", description = "Stream threads in this instance (default: ${DEFAULT-VALUE}).")
    private int threads;

    @Option(names = "--partitions", defaultValue = "6", description = "Partitions of topics this instance creates (default: ${DEFAULT-VALUE}).")
    private int partitions;

    @Option(names = "--replication-factor", defaultValue = "1", description = "Replication factor of topics this instance creates (default: ${DEFAULT-VALUE}).")
    private short replicationFactor;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file: tierscope.plan.* keys and any Kafka Streams setting; command-line options win.")
    private Path configFile;

    @Mixin
    private MetricsOptions metrics = new MetricsOptions();

    @Override
    public Integer call() throws Exception {
        if (periodSeconds != null) {
            OptionRange.between("--period-seconds", periodSeconds, 1, 3600);
        }
        OptionRange.atLeast("--standby-replicas", standbyReplicas, 0);
        OptionRange.between("--threads", threads, 1, 1024);
        OptionRange.atLeast("--partitions", partitions, 1);
        OptionRange.atLeast("--replication-factor", replicationFactor, 1);
        metrics.validate();
        Map<String, String> props = new HashMap<>();
        if (configFile != null) {
            props.putAll(ConfigFile.load(configFile));
        }
        if (periodSeconds != null) {
            props.put(PlannerConfig.PERIOD_MS, Long.toString(periodSeconds * 1000));
        }
        PlannerConfig config = PlannerConfig.from(props);
        Map<String, String> overrides = new HashMap<>();
        props.forEach((k, v) -> {
            if (!k.startsWith("tierscope.")) {
                overrides.put(k, v);
            }
        });
        overrides.put("num.standby.replicas", Integer.toString(standbyReplicas));
        overrides.put("num.stream.threads", Integer.toString(threads));
        cluster.requireReachable();
        Properties streamsProps = StreamsRunner.streamsProperties(cluster.security(), cluster.bootstrapServers(), applicationId, stateDir, overrides);
        try (ShutdownSignal signal = new ShutdownSignal(Duration.ofSeconds(40));
             PlannerRunner runner = PlannerRunner.start(streamsProps, config, cluster.security(), cluster.schemaRegistryUrl(), partitions,
                     replicationFactor, Duration.ofMinutes(2))) {
            System.out.println("tierscope plan: " + applicationId + " running against " + cluster.bootstrapServers()
                    + ", one plan per host every " + config.period().toSeconds() + " s of event time");
            try (AutoCloseable served = StreamsMetrics.serve(metrics, "plan", runner.streams(), registry -> () -> { }, System.out)) {
                signal.await(null);
            }
        }
        return 0;
    }

}
