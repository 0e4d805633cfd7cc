package io.tierscope.streams.cli;

import io.micrometer.core.instrument.Gauge;
import io.tierscope.cli.ClusterOptions;
import io.tierscope.cli.ConfigFile;
import io.tierscope.cli.OptionRange;
import io.tierscope.cli.ShutdownSignal;
import io.tierscope.metrics.MetricsOptions;
import io.tierscope.metrics.StreamsMetrics;
import io.tierscope.streams.ConfigKeys;
import io.tierscope.streams.StreamsAppConfig;
import io.tierscope.streams.StreamsConfigTable;
import io.tierscope.streams.StreamsRunner;
import io.tierscope.streams.mrc.MrcAuditMeters;
import io.tierscope.streams.mrc.MrcSettings;
import io.tierscope.streams.health.HealthSettings;
import io.tierscope.streams.metrics.TopologyMeters;
import io.tierscope.streams.registry.RegistryHealth;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tierscope streams}: runs one instance of the topology until SIGTERM / Ctrl-C. */
@Command(name = "streams", mixinStandardHelpOptions = true,
        description = {"Run one instance of the Tierscope Kafka Streams topology.",
                "Start more with the same --application-id to scale out: Kafka spreads the partitions, "
                        + "i.e. the VMs, across them."},
        defaultValueProvider = StreamsCommand.Defaults.class)
public final class StreamsCommand implements Callable<Integer> {
    @Mixin
    private ClusterOptions cluster;

    @Mixin
    private InstanceOptions instance;

    @Option(names = "--window-seconds", paramLabel = "S", description = "Tumbling window, 10 to 3600 s (default 60).")
    private Long windowSeconds;

    @Option(names = "--grace-seconds", paramLabel = "S", description = "Grace period for late batches, 0 = none (default 5).")
    private Long graceSeconds;

    @Option(names = "--access-filter", paramLabel = "XWR", description = "Access types counted, subset of xwr (default xwr).")
    private String accessFilter;

    @Option(names = "--mrc-sampling", paramLabel = "SPEC",
            description = "Per-VM MRC sampling: exact, rate:R or size:S (default size:8192).")
    private String mrcSampling;

    @Option(names = "--mrc-curve", paramLabel = "KIND",
            description = "Curve published next to each window's: cumulative or decayed (default cumulative).")
    private String mrcCurve;

    @Option(names = "--health-port", paramLabel = "PORT",
            description = "Serve GET /health (liveness) and /ready (readiness) on this port; off unless given (0 = any free port).")
    private Integer healthPort;

    @Option(names = "--health-host", defaultValue = "0.0.0.0", paramLabel = "HOST",
            description = "Address the health endpoint listens on (default: ${DEFAULT-VALUE}).")
    private String healthHost;

    @Option(names = "--ready-max-lag", defaultValue = "" + HealthSettings.DEFAULT_MAX_STORE_LAG, paramLabel = "RECORDS",
            description = "/ready answers 503 while a local state store is more than this many records behind its changelog"
                    + " (default: ${DEFAULT-VALUE}).")
    private long readyMaxLag;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file: tierscope.* keys and any Kafka Streams setting; command-line options win.")
    private Path configFile;

    @Mixin
    private MetricsOptions metrics = new MetricsOptions();

    @Override
    public Integer call() throws Exception {
        if (windowSeconds != null) {
            OptionRange.between("--window-seconds", windowSeconds, 10, 3600);
        }
        if (graceSeconds != null) {
            OptionRange.atLeast("--grace-seconds", graceSeconds, 0);
        }
        instance.validate();
        metrics.validate();
        Map<String, String> props = new HashMap<>();
        if (configFile != null) {
            props.putAll(ConfigFile.load(configFile));
            ConfigKeys.requireKnown(props.keySet(), StreamsConfigTable.DEFINITION.names(), "--config " + configFile);
        }
        if (windowSeconds != null) {
            props.put(StreamsAppConfig.WINDOW_MS, Long.toString(windowSeconds * 1000));
        }
        if (graceSeconds != null) {
            props.put(StreamsAppConfig.GRACE_MS, Long.toString(graceSeconds * 1000));
        }
        if (accessFilter != null) {
            props.put(StreamsAppConfig.ACCESS_FILTER, accessFilter);
        }
        if (mrcSampling != null) {
            props.put(MrcSettings.MRC_SAMPLING, mrcSampling);
        }
        if (mrcCurve != null) {
            props.put(MrcSettings.MRC_CURVE, mrcCurve);
        }
        StreamsAppConfig appConfig = StreamsAppConfig.from(props);
        Map<String, String> overrides = ConfigKeys.kafkaOverrides(props);
        overrides.putAll(instance.streamsSettings());
        cluster.requireReachable();
        Properties streamsProps = StreamsRunner.streamsProperties(cluster.security(), cluster.bootstrapServers(), instance.applicationId(), instance.stateDir(), overrides);

        HealthSettings health = healthPort == null ? null : new HealthSettings(healthHost, healthPort, readyMaxLag);
        try (ShutdownSignal signal = new ShutdownSignal(Duration.ofSeconds(40));
             StreamsRunner runner = StreamsRunner.start(streamsProps, appConfig, cluster.security(), cluster.schemaRegistryUrl(),
                     instance.partitions(), instance.replicationFactor(), Duration.ofMinutes(2), health)) {
            System.out.println("tierscope streams: " + instance.applicationId() + " running against " + cluster.bootstrapServers()
                    + (health == null ? "" : "; health on port " + runner.healthPort()));
            RegistryHealth registryHealth = runner.registryHealth();
            try (AutoCloseable served = StreamsMetrics.serve(metrics, "streams", runner.streams(), registry -> {
                Gauge.builder("tierscope.streams.registry.up", registryHealth, h -> h.up() ? 1 : 0)
                        .description("1 while the schema registry answers, 0 while the app waits for it")
                        .register(registry);
                MrcAuditMeters.shared().bindTo(registry);
                return TopologyMeters.bind(registry, runner.streams()::metrics);
            }, System.out)) {
                signal.await(null);
            }
        }
        return 0;
    }

    /** This command's application id and state dir defaults. */
    static final class Defaults extends InstanceOptions.Defaults {
        Defaults() {
            super(StreamsRunner.DEFAULT_APPLICATION_ID, "data/streams");
        }
    }
}
