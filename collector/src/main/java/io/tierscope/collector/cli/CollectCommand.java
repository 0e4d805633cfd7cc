package io.tierscope.collector.cli;

import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tierscope.cli.ClusterCheck;
import io.tierscope.cli.ClusterOptions;
import io.tierscope.cli.ShutdownSignal;
import io.tierscope.cli.StatusLine;
import io.tierscope.collector.CollectConfigTable;
import io.tierscope.collector.DurationConverter;
import io.tierscope.collector.produce.Collector;
import io.tierscope.collector.produce.CollectorSettings;
import io.tierscope.collector.produce.CollectorMeters;
import io.tierscope.collector.produce.MetricsSnapshot;
import io.tierscope.metrics.Metrics;
import io.tierscope.metrics.MetricsOptions;
import io.tierscope.topics.Topic;
import io.tierscope.topics.TopicProvisioner;
import io.tierscope.workload.trace.ReadProgress;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code tierscope collect}: one collector per host. Reads every source it is pointed at (live
 * kernel sources of QEMU processes, trace files, synthetic VMs) and publishes samples and A/D
 * scans to Kafka with bounded memory and exact loss accounting; prints its counters
 * periodically and at exit. Exit code 0 when every source ran to its end or to the duration and
 * everything read was published; 1 when a source failed or samples or scans were lost (one line
 * says how many and why, see {@link CollectVerdict}); 2 on bad arguments.
 */
@Command(name = "collect", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        defaultValueProvider = CollectDefaults.class,
        description = {
            "Collect guest page-access samples and A/D-bit scans and publish them to Kafka.",
            "Samples go to the raw-samples topic, scans to the A/D-scans topic, keyed by VM id.",
            "Examples:",
            "  collect --source synthetic --vms 4 --rate 50000 --duration 5m",
            "  collect --source trace --trace web.csv.gz --vm web --rate 1e6",
            "  collect --source ept,idle --pid 4242 --vm prod-7 --scan-period 1000",
            "  collect --config /etc/tierscope/collect.conf"},
        footer = {"",
            "Config file (--config): one setting or VM per line, '#' comments; an option given wins:",
            "  OPTION = VALUE                    (long option without --) e.g. buffer-mb = 256,",
            "                                    client-config = /etc/tierscope/client.properties",
            "  vm <ID> <SOURCE> [key=value ...]  e.g. vm web-1 synthetic rate=5000",
            "Per-VM keys: synthetic: shape rate seed samples scan-period; trace: file",
            "  format rate; ept: pid rate xwr device; idle, soft-dirty: pid period",
            "  guest-ram chunk-pages.",
            "Shapes: KIND[:key=value,...], KIND one of zipf uniform scan loop phases",
            "  mixed; keys pages writes exec, s (zipf), count perphase (phases)."})
public final class CollectCommand implements Callable<Integer> {
    /** How the command builds its collector; tests substitute one over a mock producer. */
    static Function<CollectorSettings, Collector> collectorFactory = Collector::create;

    @Spec
    private CommandSpec spec;

    @Mixin
    private VmOptions vms = new VmOptions();

    @Option(names = "--speed", paramLabel = "X",
            description = "Replay speed factor on --rate for trace and synthetic sources (real time x X; default ${DEFAULT-VALUE}).")
    private double speed;

    @Option(names = "--duration", paramLabel = "D", converter = DurationConverter.class,
            description = "Stop after D (250ms, 90s, 5m, 1h; 0 = no limit). Default: when every source has ended, or Ctrl-C.")
    private Duration duration;

    @Option(names = "--scan-period", paramLabel = "MS",
            description = "A/D scan period in ms for synthetic VMs and idle/soft-dirty (default ${DEFAULT-VALUE}; 0 = no synthetic scans).")
    private int scanPeriodMs;

    @Option(names = "--chunk-pages", paramLabel = "N", description = "Pages per A/D scan record for idle/soft-dirty (default ${DEFAULT-VALUE}).")
    private int chunkPages;

    @Option(names = "--ept-device", paramLabel = "PATH", description = "kvm-ept-sample device (default ${DEFAULT-VALUE}).")
    private String eptDevice;

    @Option(names = "--idle-bitmap", paramLabel = "PATH", description = "Idle page bitmap (default ${DEFAULT-VALUE}).")
    private String idleBitmap;

    @Option(names = "--config", paramLabel = "FILE", description = "Many VMs per host: settings and 'vm' lines (format below).")
    private Path configFile;

    @Option(names = "--prefilter-rate", paramLabel = "R",
            description = "Keep only the pages the streams app's spatial hash samples at rate R in (0,1] (default ${DEFAULT-VALUE} = all).")
    private double prefilterRate;

    @Mixin
    private ClusterOptions cluster;

    @Option(names = "--host", paramLabel = "NAME", description = "Host name written into every record (default: this host's name).")
    private String host;

    @Option(names = "--batch-samples", paramLabel = "N", description = "Samples per SampleBatch record at most (default ${DEFAULT-VALUE}).")
    private int batchSamples;

    @Option(names = "--linger-ms", paramLabel = "MS", description = "How long a batch waits to fill before it is sent (default ${DEFAULT-VALUE}).")
    private long lingerMs;

    @Option(names = "--buffer-mb", paramLabel = "MB",
            description = "Bound on unacknowledged data held for Kafka (default ${DEFAULT-VALUE}). Live sources drop, counted, "
                    + "when it is full; replay and synthetic sources wait.")
    private double bufferMb;

    @Option(names = "--scan-buffer-share", paramLabel = "F",
            description = "Share of the buffer A/D scans may hold, in (0,1] (default ${DEFAULT-VALUE}): samples always have "
                    + "the rest; scans beyond it wait (counted deferred) or, from live sources, are dropped (counted).")
    private double scanBufferShare;

    @Option(names = "--scan-encoding", paramLabel = "ENC",
            description = "A/D bits as runs where smaller (runs) or always as bitmaps (bitmap: for streams apps "
                    + "older than runs; default ${DEFAULT-VALUE}).")
    private String scanEncoding;

    @Option(names = "--compression", paramLabel = "TYPE", description = "Producer compression: zstd, lz4, snappy, gzip, none (default ${DEFAULT-VALUE}).")
    private String compression;

    @Option(names = "--delivery-timeout", paramLabel = "D", converter = DurationConverter.class,
            description = "How long the producer retries a record, e.g. through a broker outage (default ${DEFAULT-VALUE}).")
    private Duration deliveryTimeout;

    @Option(names = "--metrics-interval", paramLabel = "D", converter = DurationConverter.class,
            description = "How often to print the counters (default ${DEFAULT-VALUE}; 0 = only at exit).")
    private Duration metricsInterval;

    @Option(names = "--create-topics", negatable = true, fallbackValue = "true",
            description = "Create the samples and scans topics if missing (default ${DEFAULT-VALUE}).")
    private boolean createTopics;

    @Option(names = "--partitions", paramLabel = "N", description = "Partitions of topics this command creates (default ${DEFAULT-VALUE}).")
    private int partitions;

    @Option(names = "--replication-factor", paramLabel = "N",
            description = "Replication factor of topics it creates (default ${DEFAULT-VALUE}).")
    private short replicationFactor;

    @Mixin
    private MetricsOptions metrics = new MetricsOptions();

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        Plan plan;
        try {
            plan = plan();
            metrics.validate();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        // Live on a terminal; otherwise the collector's periodic counter lines are the progress.
        StatusLine status = StatusLine.onStandardError(err);
        Map<String, ReadProgress> traces = new LinkedHashMap<>();
        long startedMs = System.currentTimeMillis();
        Collector collector = collectorFactory.apply(plan.settings).reportTo(line -> status.println("collect: " + line
                + traceProgress(traces.values(), System.currentTimeMillis() - startedMs)));
        try (ShutdownSignal signal = new ShutdownSignal(Duration.ofSeconds(45))) {
            try {
                traces.putAll(SourceWiring.wire(collector, plan.sources, plan.defaults));
            } catch (RuntimeException | java.io.IOException e) {
                collector.stop(Duration.ofSeconds(5));
                if (e instanceof IllegalArgumentException) {
                    throw new ParameterException(spec.commandLine(), e.getMessage(), e);
                }
                throw e;
            }
            // Local sources first (a missing device fails fast), then Kafka.
            try {
                if (plan.createTopics) {
                    // Within seconds, naming the address; with --no-create-topics a collector may start before
                    // its cluster is up and wait for it.
                    ClusterCheck.broker(plan.settings.bootstrapServers(),
                            plan.settings.security().kafkaClientProperties(plan.settings.bootstrapServers()),
                            ClusterCheck.DEFAULT_TIMEOUT);
                    try {
                        ClusterCheck.registry(plan.settings.schemaRegistryUrl(), ClusterCheck.DEFAULT_TIMEOUT);
                    } catch (ClusterCheck.UnreachableException e) {
                        if (!e.outage()) {
                            throw e; // a wrong URL or answer: waiting cannot fix it
                        }
                        // A registry down now is an outage the sender waits out (samples wait in the buffer).
                        err.println("collect: " + e.getMessage() + "; collecting anyway, records wait for it");
                        err.flush();
                    }
                    createTopics(plan.settings, plan.partitions, plan.replicationFactor);
                }
                collector.start();
            } catch (RuntimeException | InterruptedException e) {
                collector.stop(Duration.ofSeconds(5));
                throw e;
            }
            out.println("collect: " + plan.sources.size() + " source(s) on host " + plan.settings.host() + " -> "
                    + plan.settings.bootstrapServers() + (plan.duration == null ? "" : " for " + plan.duration));
            out.flush();
            PrometheusMeterRegistry registry = Metrics.newRegistry("collect");
            CollectorMeters.bind(registry, collector.metrics()::snapshot, collector::health);
            try (KafkaClientMetrics producerMeters = Metrics.bindKafkaProducer(registry, collector.producer());
                 Metrics.MetricsServer server = metrics.startIfEnabled(registry)) {
                if (server != null) {
                    out.println("collect: Prometheus metrics on port " + server.port() + " at /metrics");
                    out.flush();
                }
                waitForEnd(collector, signal, plan.duration, () -> {
                    if (status.terminal() && status.due()) {
                        status.update(statusText(collector.metrics().snapshot(), traces.values()));
                    }
                });
            }
            status.finish();
            MetricsSnapshot last = collector.stop(Duration.ofSeconds(30));
            out.println("collect: done: " + last.samplesPublished() + " samples published, " + last.samplesLost()
                    + " lost (" + last.samplesDropped() + " dropped on a full buffer, " + last.samplesFailed()
                    + " failed delivery), " + last.samplesFiltered() + " filtered, " + last.scansPublished() + " scans");
            out.flush();
            List<Exception> failures = collector.failures();
            for (Exception f : failures) {
                err.println("collect: source failed: " + f.getMessage());
            }
            String lossVerdict = CollectVerdict.lossLine(last, collector.health(), plan.settings);
            if (lossVerdict != null) {
                err.println(lossVerdict);
            }
            err.flush();
            return failures.isEmpty() && lossVerdict == null ? 0 : 1;
        }
    }

    private static void waitForEnd(Collector collector, ShutdownSignal signal, Duration duration, Runnable tick)
            throws InterruptedException {
        long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
        while (!signal.requested() && System.nanoTime() < deadline) {
            tick.run();
            long left = Math.min(deadline - System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(200));
            if (collector.awaitSourcesEnded(Duration.ofNanos(Math.max(1_000_000, left)))) {
                return;
            }
        }
    }

    /** The live status line: uptime, samples read (and their rate), published, lost, buffered; trace progress. */
    static String statusText(MetricsSnapshot m, Collection<ReadProgress> traces) {
        return String.format(Locale.ROOT, "collect: %s  read %,d (%,.0f/s)  published %,d  lost %,d  buffer %.1f MB%s",
                StatusLine.clock(m.uptimeMs()), m.samplesRead(), m.samplesRead() * 1000.0 / Math.max(1, m.uptimeMs()),
                m.samplesPublished(), m.samplesLost(), m.bufferedBytes() / 1e6, traceProgress(traces, m.uptimeMs()));
    }

    /** "; trace 45% of 27.1 MB, ETA 0:51" over all replayed files together; "" without any. */
    static String traceProgress(Collection<ReadProgress> traces, long elapsedMs) {
        if (traces.isEmpty()) {
            return "";
        }
        long read = 0;
        long total = 0;
        for (ReadProgress p : traces) {
            read += p.bytesRead();
            total += p.totalBytes();
        }
        return (traces.size() == 1 ? "; trace " : "; " + traces.size() + " traces ")
                + StatusLine.fileProgress(read, total, elapsedMs).strip();
    }

    /** Everything a run needs, validated. */
    private record Plan(CollectorSettings settings, List<VmSource> sources, SourceWiring.Defaults defaults,
                        Duration duration, boolean createTopics, int partitions, short replicationFactor) {
    }

    Plan plan() throws java.io.IOException {
        CollectConfig config = ((CollectDefaults) spec.defaultValueProvider()).config(configFile);
        List<VmSource> sources = new ArrayList<>();
        if (config != null) {
            sources.addAll(config.vms());
        }
        if (config == null || vms.given()) {
            sources.addAll(vms.sources());
        }
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("nothing to collect: give --source and its VMs, or --config with vm lines");
        }
        CollectConfig.checkOneSampleSourcePerVm(sources);
        // The checks of the settings the collector does not check itself (CollectorSettings does its own).
        CollectConfigTable.check(CollectConfigTable.BUFFER_MB, bufferMb);
        CollectConfigTable.check(CollectConfigTable.SPEED, speed);
        CollectConfigTable.check(CollectConfigTable.SCAN_PERIOD, scanPeriodMs);
        CollectConfigTable.check(CollectConfigTable.CHUNK_PAGES, chunkPages);
        CollectConfigTable.check(CollectConfigTable.PARTITIONS, partitions);
        CollectConfigTable.check(CollectConfigTable.REPLICATION_FACTOR, replicationFactor);
        CollectorSettings.Builder b = CollectorSettings.builder()
                .bootstrapServers(cluster.bootstrapServers())
                .schemaRegistryUrl(cluster.schemaRegistryUrl())
                .security(cluster.security())
                .maxBatchSamples(batchSamples)
                .lingerMs(lingerMs)
                .bufferBytes(CollectorSettings.bytesOfMb(bufferMb))
                .compression(compression)
                .deliveryTimeoutMs((int) deliveryTimeout.toMillis())
                .prefilterRate(prefilterRate)
                .scanBufferShare(scanBufferShare)
                .scanEncoding(scanEncoding)
                .metricsIntervalMs(metricsInterval.toMillis());
        if (host != null) {
            b.host(host);
        }
        SourceWiring.Defaults defaults = new SourceWiring.Defaults(vms.rate(), speed, scanPeriodMs, chunkPages, eptDevice, idleBitmap);
        Duration runFor = duration == null || duration.isZero() ? null : duration;
        return new Plan(b.build(), List.copyOf(sources), defaults, runFor, createTopics, partitions, replicationFactor);
    }

    private static void createTopics(CollectorSettings settings, int partitions, short replicationFactor)
            throws InterruptedException {
        Map<String, Object> adminConfig = settings.security().kafkaClientProperties(settings.bootstrapServers());
        adminConfig.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "60000");
        try (Admin admin = Admin.create(adminConfig)) {
            new TopicProvisioner(admin, partitions, replicationFactor).ensure(List.of(Topic.RAW_SAMPLES, Topic.AD_SCANS));
        } catch (KafkaException | IllegalStateException e) {
            throw new IllegalStateException("cannot create the topics on Kafka at " + settings.bootstrapServers() + ": "
                    + e.getMessage() + " (set --bootstrap-servers or KAFKA_BOOTSTRAP_SERVERS, or --no-create-topics)", e);
        }
    }
}
