package io.tierscope.app;

import io.tierscope.app.security.SecuredPlatformUsers;
import io.tierscope.platform.EmbeddedPlatform;
import io.tierscope.platform.kafka.BrokerSecurity;
import io.tierscope.topics.TopicProvisioner;
import org.apache.kafka.clients.admin.Admin;
import io.tierscope.cli.ClientSecurity;
import io.tierscope.avro.HeatSummary;
import io.tierscope.avro.MigrationResult;
import io.tierscope.avro.MissRatioCurve;
import io.tierscope.avro.TieringPlan;
import io.tierscope.avro.VmInventory;
import io.tierscope.cli.OptionRange;
import io.tierscope.cli.ShutdownSignal;
import io.tierscope.collector.produce.MetricsSnapshot;
import io.tierscope.collector.produce.SyntheticFleet;
import io.tierscope.metrics.Metrics;
import io.tierscope.planner.PlannerConfig;
import io.tierscope.planner.PlannerRunner;
import io.tierscope.planner.inventory.InventorySpec;
import io.tierscope.planner.inventory.InventoryTopic;
import io.tierscope.platform.Platform;
import io.tierscope.platform.PlatformConfig;
import io.tierscope.platform.Platforms;
import io.tierscope.query.QueryService;
import io.tierscope.streams.StreamsAppConfig;
import io.tierscope.streams.StreamsRunner;
import io.tierscope.topics.Topic;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.state.HostInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tierscope demo}: the whole pipeline on one machine. Starts (or, with
 * KAFKA_BOOTSTRAP_SERVERS and SCHEMA_REGISTRY_URL set, uses) a Kafka broker and a schema
 * registry, runs the topology, drives a synthetic fleet of VMs through the collector, and
 * prints what the topology publishes.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the whole pipeline on this machine and print per-VM results.",
                "Starts an embedded Kafka broker and schema registry (unless KAFKA_BOOTSTRAP_SERVERS and "
                        + "SCHEMA_REGISTRY_URL are set), the stream topology, and a synthetic fleet of VMs through "
                        + "the collector; prints what the topology publishes as it is published."})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "0",
            description = "Run the fleet this many seconds once everything has started (platform start-up does not"
                    + " count); 0 (the default) runs until Ctrl-C.")
    private long durationSeconds;

    @Option(names = "--vms", defaultValue = "4", description = "Synthetic VMs (default: ${DEFAULT-VALUE}).")
    private int vms;

    @Option(names = "--rate", paramLabel = "SAMPLES/S", defaultValue = "20000",
            description = "Samples per second per VM (default: ${DEFAULT-VALUE}).")
    private double rate;

    @Option(names = "--window-seconds", defaultValue = "10",
            description = "Tumbling window of the per-VM outputs, 10 to 3600 (default: ${DEFAULT-VALUE}).")
    private long windowSeconds;

    @Option(names = "--scan-period-ms", defaultValue = "1000",
            description = "A/D scan period of the synthetic VMs (default: ${DEFAULT-VALUE}).")
    private int scanPeriodMs;

    @Option(names = "--data-dir", defaultValue = "data/demo", paramLabel = "DIR",
            description = "Broker, registry and stream state live here; a second run reuses them (default: ${DEFAULT-VALUE}).")
    private Path dataDir;

    @Option(names = "--kafka-port", defaultValue = "0", description = "Embedded broker port (default: a free one).")
    private int kafkaPort;

    @Option(names = "--registry-port", defaultValue = "0", description = "Embedded registry port (default: a free one).")
    private int registryPort;

    @Option(names = "--dashboard-port", defaultValue = "8090",
            description = "Port of the query service (dashboard, /api/v1, /metrics) on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
    private int dashboardPort;

    @Option(names = "--secured", description = "Run the embedded broker secured: SASL_SSL with SCRAM-SHA-512 and ACLs;"
            + " the collector and the topology authenticate as their own least-privilege users (state in <data-dir>/secured, apart from an open run's).")
    private boolean secured;

    @Override
    public Integer call() throws Exception {
        OptionRange.atLeast("--duration", durationSeconds, 0);
        OptionRange.between("--vms", vms, 1, 10_000);
        OptionRange.atLeast("--rate", rate, 0);
        OptionRange.between("--window-seconds", windowSeconds, 10, 3600);
        OptionRange.atLeast("--scan-period-ms", scanPeriodMs, 1);
        OptionRange.between("--kafka-port", kafkaPort, 0, 65535);
        OptionRange.between("--registry-port", registryPort, 0, 65535);
        OptionRange.between("--dashboard-port", dashboardPort, 0, 65535);
        if (secured) {
            // A data dir's broker is formatted open or secured once; a secured run keeps its own.
            dataDir = dataDir.resolve("secured");
        }
        StreamsAppConfig appConfig = new StreamsAppConfig(Duration.ofSeconds(windowSeconds), Duration.ofSeconds(2), "xwr");
        PrintStream out = System.out;
        try (ShutdownSignal signal = new ShutdownSignal(Duration.ofSeconds(60))) {
            out.println("tierscope demo: " + (System.getenv(Platforms.BOOTSTRAP_ENV) == null
                    ? "starting the embedded platform" : "using the platform named by the environment")
                    + " (state in " + dataDir.toAbsolutePath() + ") ...");
            PlatformConfig platformConfig = PlatformConfig.builder()
                    .dataDir(dataDir.resolve("platform"))
                    .kafkaPort(kafkaPort).registryPort(registryPort).secured(secured).build();
            try (Platform platform = Platforms.fromEnvironment(platformConfig)) {
                out.printf("tierscope demo: Kafka at %s, schema registry at %s (%s)%n", platform.bootstrapServers(),
                        platform.schemaRegistryUrl(), platform.embedded() ? "embedded" : "external");
                // An external platform may be secured: $KAFKA_CLIENT_CONFIG gives its client settings.
                ClientSecurity security = platform.embedded() ? ClientSecurity.NONE : ClientSecurity.fromEnvironment();
                ClientSecurity collectorSecurity = security;
                ClientSecurity streamsSecurity = security;
                if (secured && platform instanceof EmbeddedPlatform embedded) {
                    Map<String, Path> clients = SecuredPlatformUsers.create(embedded.brokerSecurity(),
                            platform.bootstrapServers(), "tierscope-demo", dataDir.resolve("clients"));
                    security = ClientSecurity.load(clients.get(BrokerSecurity.ADMIN));
                    try (Admin admin = Admin.create(security.kafkaClientProperties(platform.bootstrapServers()))) {
                        new TopicProvisioner(admin, 4, (short) 1).ensureAll();
                    }
                    collectorSecurity = ClientSecurity.load(clients.get(SecuredPlatformUsers.COLLECTOR));
                    streamsSecurity = ClientSecurity.load(clients.get(SecuredPlatformUsers.STREAMS));
                    out.println("tierscope demo: secured broker (SASL_SSL, SCRAM-SHA-512, ACLs); client configs in "
                            + dataDir.resolve("clients").toAbsolutePath() + "; the planner, query service and printer run as "
                            + BrokerSecurity.ADMIN);
                }
                var streamsProps = StreamsRunner.streamsProperties(streamsSecurity, platform.bootstrapServers(), "tierscope-demo",
                        dataDir.resolve("streams"), Map.of());
                List<SyntheticFleet.VmSpec> fleetVms = SyntheticFleet.defaultVms(vms);
                long budgetPagesPerSec = putDemoInventory(security, platform, fleetVms);
                PlannerConfig plannerConfig = PlannerConfig.from(Map.of(PlannerConfig.PERIOD_MS, Long.toString(windowSeconds * 1000)));
                var plannerProps = StreamsRunner.streamsProperties(security, platform.bootstrapServers(), "tierscope-demo-planner",
                        dataDir.resolve("planner"), Map.of());
                try (StreamsRunner runner = StreamsRunner.start(streamsProps, appConfig, streamsSecurity, platform.schemaRegistryUrl(),
                        4, (short) 1, Duration.ofMinutes(2));
                     OutputTail tail = new OutputTail(security, platform.bootstrapServers(), platform.schemaRegistryUrl(), out)
                             .follow(Topic.MRC_LATEST, MissRatioCurve.class, CurveLine::format)
                             .follow(Topic.HEAT_SUMMARY, HeatSummary.class, HeatLine::format)
                             .follow(Topic.TIERING_PLANS, TieringPlan.class, plan -> PlanLine.format(plan, windowSeconds * 1000))
                             .follow(Topic.MIGRATION_RESULTS, MigrationResult.class, r -> ExecuteLine.format(r, windowSeconds * 1000))
                             .start();
                     SyntheticFleet fleet = SyntheticFleet.start(collectorSecurity, platform.bootstrapServers(), platform.schemaRegistryUrl(),
                             fleetVms, rate, scanPeriodMs);
                     // started once the fleet runs, so its start-up does not hold the data back
                     PlannerRunner planner = PlannerRunner.start(plannerProps, plannerConfig, security, platform.schemaRegistryUrl(),
                             4, (short) 1, Duration.ofMinutes(2));
                     DemoExecutor executor = DemoExecutor.start(security, platform.bootstrapServers(), platform.schemaRegistryUrl(),
                             DEMO_HOST, fleetVms.stream().map(vm -> vm.shape().pages()).toList(), budgetPagesPerSec,
                             plannerConfig.chunkPages());
                     QueryService query = QueryService.start(new QueryService.Settings(security, platform.bootstrapServers(),
                             platform.schemaRegistryUrl(), "tierscope-demo-query", dataDir.resolve("query"), "127.0.0.1",
                             dashboardPort, new HostInfo("127.0.0.1", dashboardPort), null, Duration.ofHours(24), 4, (short) 1,
                             Map.of()), Metrics.newRegistry("demo"))) {
                    out.println("tierscope demo: dashboard at http://127.0.0.1:" + query.port() + "/ (API /api/v1/vms, metrics /metrics)");
                    out.printf("tierscope demo: %d synthetic VMs at %.0f samples/s each; first results after one %d s window"
                            + " (+2 s grace)%s%n", vms, rate, windowSeconds,
                            durationSeconds > 0 ? "; stopping after " + durationSeconds + " s" : "; Ctrl-C stops");
                    // --duration is the fleet's time: start-up (platform, apps) does not eat into it
                    boolean interrupted = signal.await(durationSeconds > 0 ? Duration.ofSeconds(durationSeconds) : null);
                    out.println("tierscope demo: " + (interrupted ? "interrupted" : "duration reached") + ", stopping ...");
                    MetricsSnapshot collected = fleet.stop();
                    out.println("tierscope demo: collector " + collected.format());
                    out.println("tierscope demo: " + tail.printed() + " result lines printed");
                    if (tail.printed() == 0) {
                        out.println("tierscope demo: no results arrived; run longer than one window (--duration > "
                                + (windowSeconds + 2) + ")");
                        return 1;
                    }
                }
            }
        }
        out.println("tierscope demo: stopped cleanly");
        return 0;
    }

    /**
     * The demo host's inventory: every synthetic VM on it, the fast tier a quarter of their memory
     * (so the planner has to choose), a budget of a tenth of the fast tier per second.
     */
    private static long putDemoInventory(ClientSecurity security, Platform platform, List<SyntheticFleet.VmSpec> fleet) throws InterruptedException {
        List<VmInventory> vmInventory = new ArrayList<>();
        long memory = 0;
        for (int i = 0; i < fleet.size(); i++) {
            SyntheticFleet.VmSpec vm = fleet.get(i);
            vmInventory.add(InventorySpec.vm(vm.vmId(), "memory=" + vm.shape().pages() + ",pid=" + DemoExecutor.pidOf(i)));
            memory += vm.shape().pages();
        }
        long fast = Math.max(1, memory / 4);
        InventoryTopic inventory = new InventoryTopic(security, platform.bootstrapServers(), platform.schemaRegistryUrl());
        inventory.ensureTopic(4, (short) 1);
        long budgetPagesPerSec = Math.max(1, fast / 10);
        inventory.put(InventorySpec.build(DEMO_HOST, 0, 1, fast, budgetPagesPerSec, 4096, vmInventory,
                System.currentTimeMillis()));
        return budgetPagesPerSec;
    }

    private static final String DEMO_HOST = "demo-host";


}
