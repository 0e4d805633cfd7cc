package io.tierscope.planner.cli;

import io.tierscope.cli.ClusterOptions;
import io.tierscope.cli.ConfigFile;
import io.tierscope.cli.OptionRange;
import io.tierscope.cli.ShutdownSignal;
import io.tierscope.metrics.MetricsOptions;
import io.tierscope.metrics.StreamsMetrics;
import io.tierscope.planner.PlannerConfig;
import io.tierscope.planner.PlannerRunner;
import io.tierscope.streams.ConfigKeys;
import io.tierscope.streams.StreamsRunner;
import io.tierscope.streams.cli.InstanceOptions;
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
                "Start more with the same --application-id to scale out: Kafka spreads the hosts across them."},
        defaultValueProvider = PlanCommand.Defaults.class)
public final class PlanCommand implements Callable<Integer> {
    @Mixin
    private ClusterOptions cluster;

    @Mixin
    private InstanceOptions instance;

    @Option(names = "--period-seconds", paramLabel = "S", description = "Planning period, 1 to 3600 s of event time (default 60).")
    private Long periodSeconds;

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
        instance.validate();
        metrics.validate();
        Map<String, String> props = new HashMap<>();
        if (configFile != null) {
            props.putAll(ConfigFile.load(configFile));
            ConfigKeys.requireKnown(props.keySet(), PlannerConfig.KEYS, "--config " + configFile);
        }
        if (periodSeconds != null) {
            props.put(PlannerConfig.PERIOD_MS, Long.toString(periodSeconds * 1000));
        }
        PlannerConfig config = PlannerConfig.from(props);
        Map<String, String> overrides = ConfigKeys.kafkaOverrides(props);
        overrides.putAll(instance.streamsSettings());
        cluster.requireReachable();
        Properties streamsProps = StreamsRunner.streamsProperties(cluster.security(), cluster.bootstrapServers(), instance.applicationId(), instance.stateDir(), overrides);
        try (ShutdownSignal signal = new ShutdownSignal(Duration.ofSeconds(40));
             PlannerRunner runner = PlannerRunner.start(streamsProps, config, cluster.security(), cluster.schemaRegistryUrl(),
                     instance.partitions(), instance.replicationFactor(), Duration.ofMinutes(2))) {
            System.out.println("tierscope plan: " + instance.applicationId() + " running against " + cluster.bootstrapServers()
                    + ", one plan per host every " + config.period().toSeconds() + " s of event time");
            try (AutoCloseable served = StreamsMetrics.serve(metrics, "plan", runner.streams(), registry -> () -> { }, System.out)) {
                signal.await(null);
            }
        }
        return 0;
    }

    /** This command's application id and state dir defaults. */
    static final class Defaults extends InstanceOptions.Defaults {
        Defaults() {
            super(PlannerRunner.DEFAULT_APPLICATION_ID, "data/planner");
        }
    }
}
