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
import io.tierscope.avro.MrcAudit;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tierscope.streams.mrc.MrcAuditSettings;
import io.tierscope.streams.mrc.MrcAuditMeters;
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
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.state.HostInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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
            description = "Samples per second per VM (default: ${DEFAULT-VALUE}); 0 = as fast as the collector can send.")
    private double rate;

    @Option(names = "--window-seconds", defaultValue = "10",
            description = "Tumbling window of the per-VM outputs, 10 to 3600 (default: ${DEFAULT-VALUE}).")
    private long windowSeconds;

    @Option(names = "--scan-period-ms", defaultValue = "1000",
            description = "A/D scan period of the synthetic VMs (default: ${DEFAULT-VALUE}).")
    private int scanPeriodMs;

    @Option(names = "--data-dir", defaultValue = "data/demo", paramLabel = "DIR",
            description = "Broker, registry and stream state and the log (demo.log) live here, in a subdirectory per platform"
                    + " kind: embedded, secured, external-<bootstrap>; a second run reuses them and shows only its own"
                    + " results (default: ${DEFAULT-VALUE}).")
    private Path dataDir;

    @Option(names = "--kafka-port", defaultValue = "0", description = "Embedded broker port (default: a free one).")
    private int kafkaPort;

    @Option(names = "--registry-port", defaultValue = "0", description = "Embedded registry port (default: a free one).")
    private int registryPort;

    @Option(names = "--dashboard-port", defaultValue = "8090",
            description = "Port of the query service (dashboard, /api/v1, /metrics) on 127.0.0.1, 1 to 65535 (default: ${DEFAULT-VALUE}).")
    private int dashboardPort;

    @Option(names = "--secured", description = "Run the embedded broker secured: SASL_SSL with SCRAM-SHA-512 and ACLs;"
            + " the collector and the topology authenticate as their own least-privilege users (state in <data-dir>/secured, apart from an open run's).")
    private boolean secured;

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        OptionRange.atLeast("--duration", durationSeconds, 0);
        OptionRange.between("--vms", vms, 1, 10_000);
        OptionRange.atLeast("--rate", rate, 0);
        OptionRange.between("--window-seconds", windowSeconds, 10, 3600);
        OptionRange.atLeast("--scan-period-ms", scanPeriodMs, 1);
        OptionRange.between("--kafka-port", kafkaPort, 0, 65535);
        OptionRange.between("--registry-port", registryPort, 0, 65535);
        // Query service instances forward to each other's advertised port: it cannot be "any".
        OptionRange.between("--dashboard-port", dashboardPort, 1, 65535);
        boolean external = System.getenv(Platforms.BOOTSTRAP_ENV) != null;
        // One state dir per platform kind: a broker is formatted open or secured once, and an external
        // cluster's topics and offsets do not match the embedded one's stores.
        Path stateDir = dataDir.resolve(external ? "external-" + System.getenv(Platforms.BOOTSTRAP_ENV).split(",")[0]
                .strip().replaceAll("[^A-Za-z0-9.-]", "_") : secured ? "secured" : "embedded");
        Files.createDirectories(stateDir);
        Path logFile = stateDir.resolve("demo.log");
        boolean verbose = Main.verbose(spec.root().commandLine().getParseResult());
        PrintStream out = System.out;
        PrintStream terminalErr = System.err;
        PrintStream log = verbose ? null : new PrintStream(new FileOutputStream(logFile.toFile(), true), true, StandardCharsets.UTF_8);
        spec.commandLine().getErr(); // picocli's error writer keeps the terminal even while logs go to the file
        try (ShutdownSignal signal = new ShutdownSignal(Duration.ofSeconds(60))) {
            if (log != null) {
                // Every library logs to standard error (slf4j-simple reads System.err per line): into the file.
                log.println("--- tierscope demo started " + Instant.now());
                System.setErr(log);
            }
            out.println("tierscope demo: " + (external ? "using the platform named by the environment"
                    : "starting the embedded" + (secured ? " secured" : "") + " platform") + "; state in " + stateDir.toAbsolutePath());
            out.println("tierscope demo: " + (verbose ? "logs on standard error (--verbose)"
                    : "logs in " + logFile.toAbsolutePath() + " (--verbose shows them here)"));
            out.flush();
            return run(signal, stateDir, out);
        } finally {
            if (log != null) {
                System.setErr(terminalErr);
                log.close();
            }
        }
    }

    private int run(ShutdownSignal signal, Path stateDir, PrintStream out) throws Exception {
        StreamsAppConfig appConfig = new StreamsAppConfig(Duration.ofSeconds(windowSeconds), Duration.ofMillis(GRACE_MS), "xwr");
        PlatformConfig platformConfig = PlatformConfig.builder()
                .dataDir(stateDir.resolve("platform"))
                .kafkaPort(kafkaPort).registryPort(registryPort).secured(secured).build();
        try (Platform platform = Platforms.fromEnvironment(platformConfig)) {
            out.printf("tierscope demo: Kafka at %s, schema registry at %s (%s)%n", platform.bootstrapServers(),
                    platform.schemaRegistryUrl(), platform.embedded() ? "embedded" : "external");
            // An external platform may be secured: $KAFKA_CLIENT_CONFIG gives its client settings.
            ClientSecurity security = platform.embedded() ? ClientSecurity.NONE : ClientSecurity.fromEnvironment();
            ClientSecurity collectorSecurity = security;
            ClientSecurity streamsSecurity = security;
            ClientSecurity plannerSecurity = security;
            ClientSecurity executorSecurity = security;
            ClientSecurity querySecurity = security;
            ClientSecurity readerSecurity = security;
            if (secured && platform instanceof EmbeddedPlatform embedded) {
                Map<String, Path> clients = SecuredPlatformUsers.create(embedded.brokerSecurity(), platform.bootstrapServers(),
                        new SecuredPlatformUsers.Scopes(STREAMS_APP, PLANNER_APP, QUERY_APP, DEMO_HOST), stateDir.resolve("clients"));
                // The administrator provisions the topics and the host inventory; each component runs as its own user.
                security = ClientSecurity.load(clients.get(BrokerSecurity.ADMIN));
                try (Admin admin = Admin.create(security.kafkaClientProperties(platform.bootstrapServers()))) {
                    new TopicProvisioner(admin, 4, (short) 1).ensureAll();
                }
                collectorSecurity = ClientSecurity.load(clients.get(SecuredPlatformUsers.COLLECTOR));
                streamsSecurity = ClientSecurity.load(clients.get(SecuredPlatformUsers.STREAMS));
                plannerSecurity = ClientSecurity.load(clients.get(SecuredPlatformUsers.PLANNER));
                executorSecurity = ClientSecurity.load(clients.get(SecuredPlatformUsers.EXECUTOR));
                querySecurity = ClientSecurity.load(clients.get(SecuredPlatformUsers.QUERY));
                readerSecurity = ClientSecurity.load(clients.get(SecuredPlatformUsers.READER));
                out.println("tierscope demo: secured broker (SASL_SSL, SCRAM-SHA-512, ACLs); collector, streams, planner,"
                        + " executor, query service and printer each run as their own least-privilege user (client configs in "
                        + stateDir.resolve("clients").toAbsolutePath() + "); topics and inventory are provisioned as "
                        + BrokerSecurity.ADMIN);
            }
            var streamsProps = StreamsRunner.streamsProperties(streamsSecurity, platform.bootstrapServers(), STREAMS_APP,
                    stateDir.resolve("streams"), Map.of());
            List<SyntheticFleet.VmSpec> fleetVms = SyntheticFleet.defaultVms(vms);
            // The live accuracy self-check on one VM: an exact engine beside its sampled one.
            appConfig = appConfig.withMrc(appConfig.mrc().withAudit(MrcAuditSettings.of(fleetVms.get(0).vmId())));
            long budgetPagesPerSec = putDemoInventory(security, platform, fleetVms);
            PlannerConfig plannerConfig = PlannerConfig.from(Map.of(PlannerConfig.PERIOD_MS, Long.toString(windowSeconds * 1000)));
            var plannerProps = StreamsRunner.streamsProperties(plannerSecurity, platform.bootstrapServers(), PLANNER_APP,
                    stateDir.resolve("planner"), Map.of());
            long windowMs = windowSeconds * 1000;
            try (StreamsRunner runner = StreamsRunner.start(streamsProps, appConfig, streamsSecurity, platform.schemaRegistryUrl(),
                    4, (short) 1, Duration.ofMinutes(2));
                 PlannerRunner planner = PlannerRunner.start(plannerProps, plannerConfig, plannerSecurity, platform.schemaRegistryUrl(),
                         4, (short) 1, Duration.ofMinutes(2));
                 DemoExecutor executor = DemoExecutor.start(executorSecurity, platform.bootstrapServers(), platform.schemaRegistryUrl(),
                         DEMO_HOST, fleetVms.stream().map(vm -> vm.shape().pages()).toList(), budgetPagesPerSec,
                         plannerConfig.chunkPages());
                 QueryService query = QueryService.start(new QueryService.Settings(querySecurity, platform.bootstrapServers(),
                         platform.schemaRegistryUrl(), QUERY_APP, stateDir.resolve("query"), "127.0.0.1",
                         dashboardPort, new HostInfo("127.0.0.1", dashboardPort), null, Duration.ofHours(24), 4, (short) 1,
                         Map.of()), auditedRegistry(), List.of(STREAMS_APP, PLANNER_APP))) {
                // Everything is up: from here on it is the fleet's time. Results of windows that ended
                // before now are an earlier run's, replayed from state, and are not shown.
                DemoPrinter printer = new DemoPrinter(out, fleetVms.stream().map(SyntheticFleet.VmSpec::vmId).toList(),
                        fleetVms.stream().mapToLong(vm -> vm.shape().pages()).max().orElse(1), List.of(DEMO_HOST),
                        System.currentTimeMillis(), windowMs, windowMs + RESULT_WAIT_MS, PAGE_SIZE);
                try (OutputTail tail = new OutputTail(readerSecurity, platform.bootstrapServers(), platform.schemaRegistryUrl(),
                         () -> printer.tick(System.currentTimeMillis()))
                         .follow(Topic.MRC_HISTORY, MissRatioCurve.class, c -> printer.curve(c, System.currentTimeMillis()))
                         .follow(Topic.HEAT_SUMMARY, HeatSummary.class, h -> printer.heat(h, System.currentTimeMillis()))
                         .follow(Topic.TIERING_PLANS, TieringPlan.class, p -> printer.plan(p, System.currentTimeMillis()))
                         .follow(Topic.MRC_AUDIT, MrcAudit.class, a -> printer.row(a.getWindowStartMs(), a.getVmId().toString(),
                                 AuditLine.format(a), System.currentTimeMillis()))
                         .follow(Topic.MIGRATION_RESULTS, MigrationResult.class, r -> printer.row(ExecuteLine.windowStart(r) + windowMs,
                                 r.getVmId(), ExecuteLine.text(r), System.currentTimeMillis()))
                         .start();
                     SyntheticFleet fleet = SyntheticFleet.start(collectorSecurity, platform.bootstrapServers(),
                             platform.schemaRegistryUrl(), fleetVms, rate, scanPeriodMs)) {
                    out.println("tierscope demo: dashboard at http://127.0.0.1:" + query.port() + "/ (API /api/v1/vms, metrics /metrics)");
                    out.printf("tierscope demo: %d synthetic VMs at %s each; results after each %d s window (+2 s grace)%s%n%n", vms,
                            rate > 0 ? String.format(Locale.ROOT, "%,.0f samples/s", rate) : "as many samples/s as the collector can send",
                            windowSeconds, durationSeconds > 0 ? "; stopping after " + durationSeconds + " s" : "; Ctrl-C stops");
                    out.flush();
                    printer.start();
                    // --duration is the fleet's time: start-up (platform, apps) does not eat into it
                    boolean interrupted = signal.await(durationSeconds > 0 ? Duration.ofSeconds(durationSeconds) : null);
                    MetricsSnapshot collected = fleet.stop();
                    drain(printer, tail, signal, interrupted, System.currentTimeMillis(), windowMs, out);
                    printer.summary(String.format(Locale.ROOT, "%s; %,d samples from %d VMs in %.0f s, %,d published, %,d lost",
                            interrupted ? "interrupted" : "ran " + durationSeconds + " s", collected.samplesRead(), vms,
                            collected.uptimeMs() / 1000.0, collected.samplesPublished(), collected.samplesLost())
                            + (tail.unreadable() > 0 ? "; " + tail.unreadable() + " result records could not be decoded" : ""));
                    out.flush();
                    if (printer.rowsPrinted() == 0) {
                        spec.commandLine().getErr().println("tierscope demo: no results arrived; run longer than one window (--duration > "
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
     * Waits for the windows the fleet's samples closed (its last samples pass their end plus the
     * grace) to be printed, so the table ends with every finished window: at most
     * {@link #DRAIN_LIMIT}, and only while results keep coming; after Ctrl-C, a few seconds.
     */
    private static void drain(DemoPrinter printer, OutputTail tail, ShutdownSignal signal, boolean interrupted, long stopMs,
                              long windowMs, PrintStream out) throws InterruptedException {
        long lastClosedStart = Math.floorDiv(stopMs - GRACE_MS - windowMs, windowMs) * windowMs;
        long limit = System.nanoTime() + (interrupted ? Duration.ofSeconds(3) : DRAIN_LIMIT).toNanos();
        boolean told = false;
        while (printer.printedThroughStartMs() < lastClosedStart && System.nanoTime() < limit
                && (interrupted || !signal.requested())) {
            if (!told && !interrupted) {
                out.println("tierscope demo: fleet stopped; waiting for the topology to finish its last windows (Ctrl-C skips)");
                out.flush();
                told = true;
            }
            if (tail.quietFor().compareTo(DRAIN_QUIET) >= 0 && printer.pendingWindows() == 0) {
                return; // nothing is on its way
            }
            Thread.sleep(200);
        }
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
    // No id is a prefix of another: each user's ACLs cover "<its id>-" topics and transactional ids, and no more.
    private static final String STREAMS_APP = "tierscope-demo-streams";
    private static final String PLANNER_APP = "tierscope-demo-planner";
    private static final String QUERY_APP = "tierscope-demo-query";
    private static final int PAGE_SIZE = 4096;
    /** How long past its window a window's rows may still be missing before it is printed without them. */
    private static final long RESULT_WAIT_MS = 5_000;
    private static final long GRACE_MS = 2_000;
    private static final Duration DRAIN_LIMIT = Duration.ofSeconds(60);
    private static final Duration DRAIN_QUIET = Duration.ofSeconds(15);

    /** The demo's /metrics registry, with the audited VM's tierscope_mrc_audit_* gauges. */
    private static PrometheusMeterRegistry auditedRegistry() {
        PrometheusMeterRegistry registry = Metrics.newRegistry("demo");
        MrcAuditMeters.shared().bindTo(registry);
        return registry;
    }


}
