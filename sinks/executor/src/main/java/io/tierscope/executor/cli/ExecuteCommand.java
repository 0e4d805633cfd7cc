package io.tierscope.executor.cli;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tierscope.avro.PagePlacement;
import io.tierscope.cli.ClientSecurity;
import io.tierscope.cli.ClusterOptions;
import io.tierscope.cli.OptionRange;
import io.tierscope.cli.ShutdownSignal;
import io.tierscope.executor.ExecuteMeters;
import io.tierscope.executor.GuestMemoryResolver;
import io.tierscope.executor.NumaTopology;
import io.tierscope.executor.PageLocator;
import io.tierscope.executor.PageMover;
import io.tierscope.executor.PlacementPublisher;
import io.tierscope.executor.PlanConsumer;
import io.tierscope.executor.PlanExecutor;
import io.tierscope.executor.RateLimiter;
import io.tierscope.guestmap.QemuGuestRam;
import io.tierscope.metrics.Metrics;
import io.tierscope.metrics.MetricsOptions;
import io.tierscope.nativeaccess.EptSampleAbi;
import io.tierscope.nativeaccess.LibC;
import io.tierscope.schemas.serde.SpecificAvroSerializer;
import io.tierscope.topics.Topic;
import io.tierscope.topics.TopicProvisioner;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code execute}: one host's migration executor. */
@Command(name = "execute", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        description = {
            "Execute this host's tiering plans with move_pages(2), rate-limited.",
            "Demotions go to the slow node first, then promotions to the fast node.",
            "Publishes a MigrationResult per VM and plan, and the placement of the touched chunks.",
            "Dry run (nothing moves) unless --apply. Moving another process's pages needs ptrace "
                    + "access to it, --move-shared needs CAP_SYS_NICE: run it as root on the host.",
            "Examples:",
            "  execute --host hv-17",
            "  execute --host hv-17 --apply --rate-limit 25600",
            "  execute --host hv-17 --placement-only --vm web-1=4242 --placement-interval 60"})
public final class ExecuteCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private ClusterOptions cluster;

    @Option(names = "--host", paramLabel = "NAME", description = "This host's name: the key of its plans (default: the host name).")
    private String host;

    @Option(names = "--apply", description = "Move pages. Without it nothing moves: the results say where pages are and what would move.")
    private boolean apply;

    @Option(names = "--rate-limit", paramLabel = "PAGES_PER_S", defaultValue = "25600",
            description = "Most pages moved per second, demotions and promotions together (default ${DEFAULT-VALUE} = 100 MiB/s of 4 KiB pages).")
    private long rateLimit;

    @Option(names = "--batch-pages", paramLabel = "N", defaultValue = "512",
            description = "Pages per move_pages call (default ${DEFAULT-VALUE}).")
    private int batchPages;

    @Option(names = "--chunk-pages", paramLabel = "N", defaultValue = "32768",
            description = "Pages per placement record; chunk index = gfn / N (default ${DEFAULT-VALUE}, as page heat).")
    private int chunkPages;

    @Option(names = "--gfn-mapping", paramLabel = "MODE", defaultValue = "auto",
            description = "How plan gfns map to the VM process's addresses: auto (kvm-ept-sample memslots when the device is"
                    + " there and free, else qemu), memslots, qemu (guest RAM in /proc/PID/maps), host-pages (gfn = host"
                    + " virtual page number, as the collector's scans without kvm-ept-sample) (default ${DEFAULT-VALUE}).")
    private String gfnMapping;

    @Option(names = "--guest-ram", paramLabel = "NAME",
            description = "Guest RAM is the largest mapping whose path contains NAME (e.g. pc.ram for memfd or hugetlbfs backends);"
                    + " default: the largest anonymous mapping.")
    private String guestRam;

    @Option(names = "--machine", paramLabel = "TYPE", defaultValue = "q35",
            description = "QEMU machine type, for RAM below/above the PCI hole: q35 or pc (default ${DEFAULT-VALUE}).")
    private String machine;

    @Option(names = "--ept-device", paramLabel = "PATH", description = "kvm-ept-sample device (default " + EptSampleAbi.DEFAULT_DEVICE + ").")
    private String eptDevice = EptSampleAbi.DEFAULT_DEVICE;

    @Option(names = "--numa-root", paramLabel = "DIR", description = "sysfs NUMA node directory (default /sys/devices/system/node).")
    private Path numaRoot = NumaTopology.DEFAULT_ROOT;

    @Option(names = "--move-shared", description = "Also move pages the VM process shares (MPOL_MF_MOVE_ALL; needs CAP_SYS_NICE).")
    private boolean moveShared;

    @Option(names = "--max-plan-age", paramLabel = "SECONDS", defaultValue = "600",
            description = "Skip plans older than this when they are read (after an outage) (default ${DEFAULT-VALUE}).")
    private long maxPlanAgeSeconds;

    @Option(names = "--max-plans", paramLabel = "N", defaultValue = "0",
            description = "Exit after executing N plans (default 0: run until Ctrl-C).")
    private long maxPlans;

    @Option(names = "--placement-only",
            description = "Publish where every page of the --vm VMs is, every --placement-interval, and execute no plans.")
    private boolean placementOnly;

    @Option(names = "--vm", paramLabel = "ID=PID", description = "A VM and its host process, for --placement-only (repeatable).")
    private Map<String, Integer> vms = new java.util.LinkedHashMap<>();

    @Option(names = "--placement-interval", paramLabel = "SECONDS", defaultValue = "60",
            description = "Seconds between placement rounds with --placement-only (default ${DEFAULT-VALUE}).")
    private long placementIntervalSeconds;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "0",
            description = "Exit after N placement rounds (default 0: run until Ctrl-C).")
    private long rounds;

    @Mixin
    private MetricsOptions metrics = new MetricsOptions();

    @Option(names = "--create-topics", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Create the plan, result, placement and dead-letter topics if missing (default true).")
    private boolean createTopics;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "6", description = "Partitions of topics it creates (default ${DEFAULT-VALUE}).")
    private int partitions;

    @Option(names = "--replication-factor", paramLabel = "N", defaultValue = "1", description = "Replication factor of topics it creates (default ${DEFAULT-VALUE}).")
    private short replicationFactor;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        String hostName;
        GuestMemoryResolver.Mode mode;
        QemuGuestRam.Machine machineType;
        String bootstrap;
        String registry;
        ClientSecurity security;
        try {
            hostName = host != null ? host.strip() : localHostName();
            mode = GuestMemoryResolver.Mode.parse(gfnMapping);
            machineType = QemuGuestRam.Machine.parse(machine);
            OptionRange.atLeast("--rate-limit", rateLimit, 1);
            OptionRange.atLeast("--batch-pages", batchPages, 1);
            OptionRange.atLeast("--chunk-pages", chunkPages, 1);
            OptionRange.atLeast("--max-plan-age", maxPlanAgeSeconds, 1);
            OptionRange.atLeast("--max-plans", maxPlans, 0);
            OptionRange.atLeast("--partitions", partitions, 1);
            OptionRange.atLeast("--replication-factor", replicationFactor, 1);
            if (placementOnly && vms.isEmpty()) {
                throw new IllegalArgumentException("--placement-only needs at least one --vm ID=PID");
            }
            OptionRange.atLeast("--placement-interval", placementIntervalSeconds, 1);
            OptionRange.atLeast("--rounds", rounds, 0);
            metrics.validate();
            if (hostName.isEmpty()) {
                throw new IllegalArgumentException("--host must not be empty");
            }
            bootstrap = cluster.bootstrapServers();
            registry = cluster.schemaRegistryUrl();
            security = cluster.security();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        cluster.requireReachable();
        NumaTopology topology = NumaTopology.read(numaRoot);
        List<Integer> executorNodes = topology.memoryNodes();
        LibC libc = LibC.load();
        PlanExecutor executor = new PlanExecutor(hostName, topology,
                GuestMemoryResolver.forHost(mode, libc, eptDevice, guestRam, machineType),
                new PageLocator(libc), apply ? new PageMover(libc, moveShared) : null,
                RateLimiter.realTime(rateLimit), batchPages, chunkPages, System::currentTimeMillis);
        if (createTopics) {
            Map<String, Object> adminConfig = security.kafkaClientProperties(bootstrap);
            adminConfig.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "60000");
            try (Admin admin = Admin.create(adminConfig)) {
                new TopicProvisioner(admin, partitions, replicationFactor).ensure(List.of(
                        Topic.TIERING_PLANS, Topic.MIGRATION_RESULTS, Topic.PLACEMENT, Topic.DEAD_LETTER));
            }
        }
        Map<String, Object> serde = security.serdeConfig(registry);
        Map<String, Object> client = security.kafkaClientProperties(bootstrap);
        if (placementOnly) {
            return placementRounds(out, executor, client, serde);
        }
        PrometheusMeterRegistry meterRegistry = Metrics.newRegistry("execute");
        try (ShutdownSignal signal = new ShutdownSignal(Duration.ofSeconds(30));
             Metrics.MetricsServer server = metrics.startIfEnabled(meterRegistry);
             PlanConsumer loop = PlanConsumer.connect(hostName, client, serde, executor, Duration.ofSeconds(maxPlanAgeSeconds),
                     System::currentTimeMillis, new ExecuteMeters(meterRegistry, !apply))) {
            if (server != null) {
                out.println("tierscope execute: Prometheus metrics on port " + server.port() + " at /metrics");
            }
            loop.assign(Duration.ofSeconds(60));
            out.println("execute: host " + hostName + ", " + (apply ? "applying moves at most " + rateLimit + " pages/s"
                    : "dry run (pass --apply to move pages)") + ", nodes with memory " + executorNodes
                    + ", gfn mapping " + mode.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
            out.flush();
            loop.run(signal::requested, maxPlans);
            out.println("execute: done: " + loop.plansExecuted() + " plan(s) executed");
            return 0;
        }
    }

    private int placementRounds(PrintWriter out, PlanExecutor executor, Map<String, Object> client, Map<String, Object> serde)
            throws InterruptedException {
        try (ShutdownSignal signal = new ShutdownSignal(Duration.ofSeconds(30));
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(PlanConsumer.producerConfig(client),
                     new StringSerializer(), new ByteArraySerializer());
             SpecificAvroSerializer<PagePlacement> placements = new SpecificAvroSerializer<>()) {
            placements.configure(serde, false);
            PlacementPublisher publisher = new PlacementPublisher(producer, placements, executor);
            out.println("execute: placement of " + vms.size() + " VM(s) every " + placementIntervalSeconds + " s, no plans");
            out.flush();
            for (long round = 1; !signal.requested() && (rounds == 0 || round <= rounds); round++) {
                int chunks = publisher.round(vms);
                out.println("execute: placement round " + round + ": " + chunks + " chunk(s) published");
                out.flush();
                if ((rounds == 0 || round < rounds) && signal.await(Duration.ofSeconds(placementIntervalSeconds))) {
                    break;
                }
            }
            return 0;
        }
    }

    /** This machine's host name, the default --host. */
    public static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot find this host's name (" + e.getMessage() + "): pass --host");
        }
    }
}
