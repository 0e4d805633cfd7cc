package io.tierscope.app.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.tierscope.cli.ClientSecurity;
import io.tierscope.cli.ClusterOptions;
import io.tierscope.cli.OptionRange;
import io.tierscope.cli.ShutdownSignal;
import io.tierscope.collector.source.SyntheticVm;
import io.tierscope.platform.EmbeddedPlatform;
import io.tierscope.platform.ExternalPlatform;
import io.tierscope.platform.Platform;
import io.tierscope.platform.PlatformConfig;
import io.tierscope.topics.Topic;
import io.tierscope.topics.TopicProvisioner;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code tierscope bench}: the whole pipeline under a ramp of offered load. The embedded platform (or the cluster
 * named by --bootstrap-servers and --schema-registry) runs in this JVM; the {@code streams} command runs in a JVM of
 * its own for the whole run and a {@code collect} command with a synthetic fleet in another, one per step, so that
 * each one's CPU and memory can be read from /proc. Each step offers {@code rate x ramp^step} samples/s per VM; the
 * highest step that the collector delivered (>= 95 %) and the streams app kept up with (lag <= --max-lag-seconds)
 * is the sustained rate: what it published (or, if less, what the streams app committed) over the
 * step after its warm-up, with the streams app's lag at the step's end within the bound. Latency is from a window's end (its youngest sample) to its curve and heat summary being
 * readable (committed) on their topics.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measure the pipeline: ramp a synthetic fleet's rate to the highest the topology sustains.",
                "Reports sustained samples/s and A/D-scan pages/s, latency from a window's end to its outputs, CPU and"
                        + " memory per process, bytes per sample on the wire and in changelogs; a table, and JSON with --json.",
                "With no options: 8 VMs from 25,000 samples/s each, x1.5 per 30 s step, up to 8 steps (under 10 minutes).",
                "--scan-ramp: the A/D-scan ramp instead: few samples, each step's footprint --ramp times the last one's,"
                        + " to find the most A/D pages/s the pipeline sustains into heat."})
public final class BenchCommand implements Callable<Integer> {
    /** Share of a step's offered rate the collector must publish for the step to count as sustained. */
    static final double DELIVERED_SHARE = 0.95;

    @Spec
    private CommandSpec spec;

    @Option(names = "--vms", defaultValue = "8", description = "Synthetic VMs, 1 to 10000 (default: ${DEFAULT-VALUE}).")
    private int vms;

    @Option(names = "--rate", paramLabel = "SAMPLES/S", defaultValue = "25000",
            description = "Samples/s per VM in the first step (default: ${DEFAULT-VALUE}).")
    private double rate;

    @Option(names = "--ramp", paramLabel = "FACTOR", defaultValue = "1.5",
            description = "Each step's rate is the previous one's times FACTOR, 1 to 10 (default: ${DEFAULT-VALUE}).")
    private double ramp;

    @Option(names = "--steps", defaultValue = "8", description = "Steps at most, 1 to 50; the ramp stops at the first step"
            + " not sustained (default: ${DEFAULT-VALUE}).")
    private int steps;

    @Option(names = "--duration", paramLabel = "SECONDS", defaultValue = "30",
            description = "Seconds per step, 15 to 3600; the first quarter is warm-up (default: ${DEFAULT-VALUE}).")
    private long stepSeconds;

    @Option(names = "--footprint", paramLabel = "PAGES", defaultValue = "262144",
            description = "Guest pages per VM (zipf accesses, A/D scans cover them all), 8 to 2^31-1 (default: ${DEFAULT-VALUE} = 1 GiB).")
    private long footprint;

    @Option(names = "--scan-period", paramLabel = "MS", defaultValue = "1000",
            description = "A/D scan period per VM, 0 = no scans, else 100 to 3600000 (default: ${DEFAULT-VALUE}).")
    private int scanPeriodMs;

    @Option(names = "--window-seconds", defaultValue = "10", description = "Tumbling window, 10 to 3600 (default: ${DEFAULT-VALUE}).")
    private long windowSeconds;

    @Option(names = "--grace-seconds", defaultValue = "1", description = "Grace for late batches, 0 to 600 (default: ${DEFAULT-VALUE}).")
    private long graceSeconds;

    @Option(names = "--partitions", defaultValue = "4", description = "Partitions of the topics the bench creates, 1 to 1000"
            + " (default: ${DEFAULT-VALUE}).")
    private int partitions;

    @Option(names = "--max-lag-seconds", defaultValue = "5",
            description = "Bounded lag: a sustained step's input lag stays within this many seconds of input, 1 to 600"
                    + " (default: ${DEFAULT-VALUE}).")
    private double maxLagSeconds;

    @Option(names = "--streams-config", paramLabel = "FILE",
            description = "Properties for the streams app (tierscope.* keys and Kafka Streams settings), as its --config.")
    private Path streamsConfig;

    @Option(names = "--streams-jvm-options", paramLabel = "OPTS", defaultValue = "-Xmx1g",
            description = "JVM options of the streams process, space-separated, e.g. to record a JFR profile (default: ${DEFAULT-VALUE}).")
    private String streamsJvmOptions;

    @Option(names = "--collector-jvm-options", paramLabel = "OPTS", defaultValue = "-Xmx512m",
            description = "JVM options of the collector process (default: ${DEFAULT-VALUE}).")
    private String collectorJvmOptions;

    @Option(names = "--data-dir", defaultValue = "data/bench", paramLabel = "DIR",
            description = "The run's broker, registry, state and logs go into a new directory in DIR (default: ${DEFAULT-VALUE}).")
    private Path dataDir;

    @Option(names = "--keep-data", description = "Keep the run's directory (logs, broker data) instead of deleting it at the end.")
    private boolean keepData;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the results and the run's settings as JSON to FILE.")
    private Path json;

    @Option(names = "--short", description = "Smoke mode: 2 VMs of 32768 pages at 5000 samples/s, one 25 s step.")
    private boolean smoke;

    @Option(names = "--scan-ramp", description = "Ramp the A/D scans, not the samples: each step's footprint is the"
            + " previous one's times --ramp at a constant --rate; unless given, 8 VMs from 262144 pages (1 GiB) at"
            + " 1,000 samples/s each, x2 per 20 s step, up to 7 steps (2.1M to 134M pages/s), scans every second.")
    private boolean scanRamp;

    @Mixin
    private ClusterOptions cluster;

    private volatile CollectorProgress progress = CollectorProgress.NONE;
    private double loadAtStart;

    @Override
    public Integer call() throws Exception {
        if (smoke) {
            vms = 2;
            rate = 5000;
            steps = 1;
            stepSeconds = 25;
            footprint = 32_768;
        }
        if (scanRamp) {
            scanRampDefaults();
        }
        OptionRange.between("--vms", vms, 1, 10_000);
        OptionRange.positive("--rate", rate);
        if (!(ramp >= 1 && ramp <= 10)) {
            throw new IllegalArgumentException("--ramp must be in [1, 10], got " + ramp);
        }
        OptionRange.between("--steps", steps, 1, 50);
        OptionRange.between("--duration", stepSeconds, 15, 3600);
        OptionRange.between("--footprint", footprint, 8, Integer.MAX_VALUE);
        if (scanPeriodMs != 0) {
            OptionRange.between("--scan-period", scanPeriodMs, 100, 3_600_000);
        }
        OptionRange.between("--window-seconds", windowSeconds, 10, 3600);
        OptionRange.between("--grace-seconds", graceSeconds, 0, 600);
        OptionRange.between("--partitions", partitions, 1, 1000);
        if (!(maxLagSeconds >= 1 && maxLagSeconds <= 600)) {
            throw new IllegalArgumentException("--max-lag-seconds must be in [1, 600], got " + maxLagSeconds);
        }
        if (streamsConfig != null && !Files.isReadable(streamsConfig)) {
            throw new IllegalArgumentException("--streams-config: cannot read " + streamsConfig);
        }
        boolean external = cluster.named();
        if (external) {
            cluster.requireReachable();
        }
        PrintWriter out = spec.commandLine().getOut();
        loadAtStart = loadAverage();
        int cores = Runtime.getRuntime().availableProcessors();
        if (loadAtStart > cores) {
            out.printf(Locale.ROOT, "tierscope bench: warning: load average %.1f on %d cores; other work will take its share and"
                    + " the figures will be low%n", loadAtStart, cores);
        }
        String runId = "bench-" + Instant.now().toString().replaceAll("[^0-9]", "").substring(0, 14);
        Path work = Files.createDirectories(dataDir.resolve(runId));
        List<StepResult> results = new ArrayList<>();
        Totals totals;
        boolean finished = false;
        try (ShutdownSignal signal = new ShutdownSignal(Duration.ofSeconds(60))) {
            out.println("tierscope bench: " + (external ? "using " + cluster.bootstrapServers() : "starting the embedded platform")
                    + "; run directory " + work.toAbsolutePath());
            out.flush();
            try (Platform platform = external ? new ExternalPlatform(cluster.bootstrapServers(), cluster.schemaRegistryUrl())
                    : EmbeddedPlatform.start(PlatformConfig.builder().dataDir(work.resolve("platform")).build())) {
                ClientSecurity security = external ? cluster.security() : ClientSecurity.NONE;
                totals = run(platform, security, runId, work, out, signal, results);
            }
            finished = true;
        } finally {
            if (finished && !keepData) {
                deleteTree(work);
            } else if (!finished) {
                spec.commandLine().getErr().println("tierscope bench: logs kept in " + work.toAbsolutePath());
            }
        }
        report(out, results, totals);
        if (json != null) {
            writeJson(results, totals);
            out.println("tierscope bench: results written to " + json);
        }
        out.flush();
        if (sustainedStep(results) == null) {
            spec.commandLine().getErr().println("tierscope bench: no step was sustained; start lower (--rate) or allow more lag"
                    + " (--max-lag-seconds)");
            return 1;
        }
        return 0;
    }

    /** The scan ramp's settings where the command line left the sample ramp's defaults. */
    private void scanRampDefaults() {
        var options = spec.commandLine().getParseResult();
        if (!options.hasMatchedOption("--rate")) {
            rate = 1000;
        }
        if (!options.hasMatchedOption("--footprint")) {
            footprint = 1L << 18;
        }
        if (!options.hasMatchedOption("--ramp")) {
            ramp = 2;
        }
        if (!options.hasMatchedOption("--steps")) {
            steps = 7;
        }
        if (!options.hasMatchedOption("--duration")) {
            stepSeconds = 20;
        }
        if (scanPeriodMs == 0) {
            throw new IllegalArgumentException("--scan-ramp needs scans: --scan-period must not be 0");
        }
    }

    /** A step's rate per VM: the sample ramp grows it, the scan ramp keeps it. */
    private double stepRate(int step) {
        return scanRamp ? rate : rate * Math.pow(ramp, step);
    }

    /** A step's footprint per VM: the scan ramp grows it (whole pages, at most 2^31-1). */
    private long stepFootprint(int step) {
        return scanRamp ? (long) Math.min(Integer.MAX_VALUE, Math.round(footprint * Math.pow(ramp, step))) : footprint;
    }

    /** Whole-run figures: bytes on disk per sample. */
    record Totals(long samplesPublished, long scansPublished, long rawBytes, long scanBytes, long changelogBytes,
                  double streamsStartSeconds, String applicationId) {
        double wireBytesPerSample() {
            return samplesPublished == 0 ? Double.NaN : (double) rawBytes / samplesPublished;
        }

        double changelogBytesPerSample() {
            return samplesPublished == 0 ? Double.NaN : (double) changelogBytes / samplesPublished;
        }
    }

    private Totals run(Platform platform, ClientSecurity security, String runId, Path work, PrintWriter out,
                       ShutdownSignal signal, List<StepResult> results) throws Exception {
        String applicationId = "tierscope-" + runId;
        try (Admin admin = Admin.create(security.kafkaClientProperties(platform.bootstrapServers()))) {
            new TopicProvisioner(admin, partitions, (short) 1).ensureAll();
            KafkaProbe probe = new KafkaProbe(admin, applicationId);
            List<TopicPartition> samples = probe.partitions(Topic.RAW_SAMPLES);
            List<TopicPartition> scans = probe.partitions(Topic.AD_SCANS);
            probe.startGroupAtEnd(Stream.concat(samples.stream(), scans.stream()).toList());
            Map<String, Long> bytesBefore = probe.topicBytes();

            List<String> clusterArgs = new ArrayList<>(List.of("--bootstrap-servers", platform.bootstrapServers(),
                    "--schema-registry", platform.schemaRegistryUrl()));
            if (cluster.clientConfigFile() != null && !platform.embedded()) {
                clusterArgs.addAll(List.of("--client-config", cluster.clientConfigFile().toString()));
            }
            List<String> streamsArgs = new ArrayList<>(List.of("streams"));
            streamsArgs.addAll(clusterArgs);
            streamsArgs.addAll(List.of("--application-id", applicationId, "--state-dir", work.resolve("streams").toString(),
                    "--window-seconds", Long.toString(windowSeconds), "--grace-seconds", Long.toString(graceSeconds),
                    "--partitions", Integer.toString(partitions)));
            if (streamsConfig != null) {
                streamsArgs.addAll(List.of("--config", streamsConfig.toString()));
            }
            long started = System.nanoTime();
            ChildJvm streams = startStreams(streamsArgs, work, out);
            try (OutputLatency outputs = new OutputLatency(security, platform.bootstrapServers(), platform.schemaRegistryUrl()).start();
                 streams) {
                double streamsStart = (System.nanoTime() - started) / 1e9;
                out.printf(Locale.ROOT, "tierscope bench: streams app %s running (pid %d, %.1f s to start); %d VMs, %d pages each%s,"
                                + " scans every %d ms, %d s per step%n", applicationId, streams.pid(), streamsStart, vms, footprint,
                        scanRamp ? String.format(Locale.ROOT, " (x%.2f per step) at %s samples/s each", ramp, si(rate)) : "",
                        scanPeriodMs, stepSeconds);
                out.flush();
                long samplesTotal = 0;
                long scansTotal = 0;
                for (int step = 0; step < steps; step++) {
                    Map<String, Long> bytesAtStepStart = probe.topicBytes();
                    StepRun stepRun = runStep(step, stepRate(step), stepFootprint(step), clusterArgs, work, streams, probe,
                            samples, scans, outputs, out, signal);
                    samplesTotal += stepRun.published.samplesPublished();
                    scansTotal += stepRun.published.scansPublished();
                    if (stepRun.result == null) {
                        break; // interrupted
                    }
                    // Bytes per sample of the whole step (warm-up included: the topics cannot be cut at its end).
                    Map<String, Long> bytesAtStepEnd = probe.topicBytes();
                    StepResult result = stepRun.result.withBytes(stepRun.published.samplesPublished(),
                            delta(bytesAtStepEnd, bytesAtStepStart, Topic.RAW_SAMPLES.topicName()),
                            delta(bytesAtStepEnd, bytesAtStepStart, Topic.AD_SCANS.topicName()),
                            probe.changelogBytes(bytesAtStepEnd) - probe.changelogBytes(bytesAtStepStart));
                    stepRun = new StepRun(result, stepRun.published);
                    results.add(stepRun.result);
                    out.println(stepLine(stepRun.result));
                    out.flush();
                    if (!stepRun.result.sustained()) {
                        break;
                    }
                    drain(probe, samples, scans, streams, out);
                }
                drain(probe, samples, scans, streams, out);
                Map<String, Long> bytesAfter = probe.topicBytes();
                int exit = streams.stop(60);
                if (exit != 0 && exit != 130 && exit != 143) {
                    out.println("tierscope bench: the streams process exited with " + exit + " (log " + streams.log() + ")");
                }
                return new Totals(samplesTotal, scansTotal,
                        delta(bytesAfter, bytesBefore, Topic.RAW_SAMPLES.topicName()),
                        delta(bytesAfter, bytesBefore, Topic.AD_SCANS.topicName()),
                        probe.changelogBytes(bytesAfter) - probe.changelogBytes(bytesBefore), streamsStart, applicationId);
            }
        }
    }

    /**
     * Starts the streams process and waits until it runs; a start that fails its reachability check (5 s, which a
     * busy machine can miss) is retried twice.
     */
    private ChildJvm startStreams(List<String> args, Path work, PrintWriter out) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            CountDownLatch running = new CountDownLatch(1);
            ChildJvm streams = ChildJvm.start("streams", split(streamsJvmOptions), args, work.resolve("streams-" + attempt + ".log"),
                    line -> {
                        if (line.contains("tierscope streams: ") && line.contains(" running against ")) {
                            running.countDown();
                        }
                    });
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
            while (!running.await(1, TimeUnit.SECONDS) && streams.alive()) {
                if (System.nanoTime() > deadline) {
                    streams.close();
                    throw new IllegalStateException("the streams process did not reach RUNNING within 5 minutes (log "
                            + streams.log() + ")");
                }
            }
            if (running.getCount() == 0) {
                return streams;
            }
            int exit = streams.stop(5);
            String why = streams.tail(1);
            if (attempt == 3) {
                throw new IllegalStateException("the streams process exited with " + exit + " at start: " + why);
            }
            out.println("tierscope bench: the streams process exited at start (" + why + "); starting it again");
            out.flush();
        }
    }

    private record StepRun(StepResult result, CollectorProgress published) {
    }

    /** One collector process at one rate: samples the figures every second, measures after the warm-up. */
    private StepRun runStep(int step, double perVm, long pagesPerVm, List<String> clusterArgs, Path work, ChildJvm streams, KafkaProbe probe,
                            List<TopicPartition> samples, List<TopicPartition> scans, OutputLatency outputs,
                            PrintWriter out, ShutdownSignal signal) throws Exception {
        List<String> args = new ArrayList<>(List.of("collect"));
        args.addAll(clusterArgs);
        args.addAll(List.of("--source", "synthetic", "--vms", Integer.toString(vms), "--rate", Double.toString(perVm),
                "--shape", "zipf:pages=" + pagesPerVm + ",s=1.0,writes=0.2", "--scan-period", Integer.toString(scanPeriodMs),
                "--metrics-interval", "1s", "--host", "bench", "--no-create-topics"));
        progress = CollectorProgress.NONE;
        AtomicReference<String> lastLine = new AtomicReference<>("");
        double offered = perVm * vms;
        double offeredScanPages = scanPeriodMs == 0 ? 0 : vms * (double) pagesPerVm * 1000 / scanPeriodMs;
        long scanRecordsPerPeriod = scanPeriodMs == 0 ? 0 : vms * ((pagesPerVm + SyntheticVm.DEFAULT_CHUNK_PAGES - 1) / SyntheticVm.DEFAULT_CHUNK_PAGES);
        double pagesPerScanRecord = scanRecordsPerPeriod == 0 ? 0 : vms * (double) pagesPerVm / scanRecordsPerPeriod;
        boolean terminal = System.console() != null;
        ChildJvm collector = ChildJvm.start("collect-" + step, split(collectorJvmOptions), args,
                work.resolve("collect-" + step + ".log"), line -> {
                    CollectorProgress p = CollectorProgress.parse(line, System.currentTimeMillis());
                    if (p != null) {
                        progress = p;
                    }
                    lastLine.set(line);
                });
        try {
            // The step's clock starts with the collector's first published counters.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (progress.samplesPublished() == 0) {
                if (!collector.alive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("the collector did not start publishing (log " + collector.log() + "): "
                            + collector.tail(1));
                }
                if (signal.await(Duration.ofMillis(200))) {
                    return new StepRun(null, progress);
                }
            }
            long stepStartMs = System.currentTimeMillis();
            long warmupEndMs = stepStartMs + stepSeconds * 1000 / 4;
            long stepEndMs = stepStartMs + stepSeconds * 1000;
            CollectorProgress atWarmup = null;
            long lagAtWarmup = 0;
            ProcUsage[] usageAtWarmup = null;
            double maxLag = 0;
            long lastPrinted = 0;
            long lagSamples = 0;
            double lastLagSeconds = 0;
            while (System.currentTimeMillis() < stepEndMs) {
                if (signal.await(Duration.ofSeconds(1))) {
                    return new StepRun(null, progress);
                }
                if (!streams.alive()) {
                    throw new IllegalStateException("the streams process died (log " + streams.log() + "): " + streams.tail(1));
                }
                if (!collector.alive()) {
                    throw new IllegalStateException("the collector died (log " + collector.log() + "): " + collector.tail(1));
                }
                CollectorProgress now = progress;
                lagSamples = Math.round(probe.lag(samples) * now.samplesPerBatch());
                long scanLag = scanPeriodMs == 0 ? 0 : probe.lag(scans);
                double lagSeconds = Math.max(lagSamples / offered,
                        scanRecordsPerPeriod == 0 ? 0 : scanLag * scanPeriodMs / 1000.0 / scanRecordsPerPeriod);
                lastLagSeconds = lagSeconds;
                long t = System.currentTimeMillis();
                if (t >= warmupEndMs) {
                    if (atWarmup == null) {
                        atWarmup = now;
                        lagAtWarmup = lagSamples;
                        usageAtWarmup = usages(streams, collector);
                    }
                    maxLag = Math.max(maxLag, lagSeconds);
                }
                if (terminal || t - lastPrinted >= 10_000) {
                    double elapsed = Math.max(0.001, (now.atMs() - stepStartMs) / 1000.0);
                    String status = String.format(Locale.ROOT, "step %d/%d: offered %s/s, published %s/s, lag %.1f s (%s samples)%s",
                            step + 1, steps, si(offered), si(now.samplesPublished() / elapsed), lagSeconds, si(lagSamples),
                            t < warmupEndMs ? ", warming up" : "");
                    if (terminal) {
                        out.print("\r" + String.format("%-110s", status));
                    } else {
                        out.println("tierscope bench: " + status);
                    }
                    out.flush();
                    lastPrinted = t;
                }
            }
            if (terminal) {
                out.print("\r" + " ".repeat(110) + "\r");
            }
            CollectorProgress atEnd = progress;
            ProcUsage[] usageAtEnd = usages(streams, collector);
            double seconds = Math.max(0.001, (atEnd.atMs() - atWarmup.atMs()) / 1000.0);
            double published = (atEnd.samplesPublished() - atWarmup.samplesPublished()) / seconds;
            double processed = (atEnd.samplesPublished() - atWarmup.samplesPublished() - (lagSamples - lagAtWarmup)) / seconds;
            double scanPages = (atEnd.scansPublished() - atWarmup.scansPublished()) * pagesPerScanRecord / seconds;
            boolean delivered = published >= DELIVERED_SHARE * offered
                    && (offeredScanPages == 0 || scanPages >= DELIVERED_SHARE * offeredScanPages);
            Map<String, StepResult.ProcessFigures> processes = new LinkedHashMap<>();
            double wall = Math.max(0.001, (System.currentTimeMillis() - warmupEndMs) / 1000.0);
            String[] names = {"streams", "collector", "platform+bench"};
            for (int i = 0; i < names.length; i++) {
                processes.put(names[i], StepResult.ProcessFigures.between(usageAtWarmup[i], usageAtEnd[i], wall));
            }
            long stopMs = System.currentTimeMillis();
            CollectorProgress finalCounts = stopCollector(collector, out);
            // Windows wholly inside the step whose closing records (window end + grace) arrived within it.
            long lastClosable = stopMs - graceSeconds * 1000 - 1000;
            List<OutputLatency.Arrival> arrivals = outputs.arrivals().stream()
                    .filter(a -> a.windowStartMs() >= stepStartMs && a.windowEndMs() <= lastClosable).toList();
            Map<String, StepResult.Percentiles> latency = new LinkedHashMap<>();
            latency.put("all", StepResult.Percentiles.of(arrivals.stream().mapToLong(OutputLatency.Arrival::latencyMs).toArray()));
            for (Topic topic : OutputLatency.TOPICS) {
                latency.put(topic.topicName(), StepResult.Percentiles.of(arrivals.stream().filter(a -> a.topic() == topic)
                        .mapToLong(OutputLatency.Arrival::latencyMs).toArray()));
            }
            // Bounded lag: whatever the step's start cost (JIT, the topology's first records),
            // the streams app has caught up to within the bound by the step's end.
            boolean keptUp = lastLagSeconds <= maxLagSeconds;
            StepResult result = new StepResult(step + 1, perVm, pagesPerVm, offered, published, Math.min(published, processed),
                    offeredScanPages, scanPages, maxLag, lastLagSeconds, seconds, latency, processes, delivered && keptUp,
                    StepResult.Bytes.NONE);
            return new StepRun(result, finalCounts);
        } finally {
            collector.close();
        }
    }

    private CollectorProgress stopCollector(ChildJvm collector, PrintWriter out) throws InterruptedException {
        int exit = collector.stop(60);
        if (exit != 0 && exit != 130 && exit != 143) {
            out.println("tierscope bench: the collector exited with " + exit + " (log " + collector.log() + ")");
        }
        return progress; // its last line is the final count
    }

    /** Waits (up to a minute) for the streams app to catch up, so that the next step starts from no lag. */
    private static void drain(KafkaProbe probe, List<TopicPartition> samples, List<TopicPartition> scans, ChildJvm streams,
                              PrintWriter out) throws Exception {
        long start = System.nanoTime();
        while (probe.lag(samples) + probe.lag(scans) > 0 && streams.alive()) {
            if (System.nanoTime() - start > TimeUnit.MINUTES.toNanos(1)) {
                out.println("tierscope bench: the streams app did not catch up within a minute; going on");
                return;
            }
            Thread.sleep(250);
        }
    }

    private static ProcUsage[] usages(ChildJvm streams, ChildJvm collector) {
        return new ProcUsage[] {streams.usage(), collector.usage(), ProcUsage.of(ProcessHandle.current().pid())};
    }

    static StepResult sustainedStep(List<StepResult> results) {
        return results.stream().filter(StepResult::sustained)
                .max(Comparator.comparingDouble(StepResult::processedSamplesPerS)).orElse(null);
    }

    /** The sustained step with the most A/D-scan pages/s (the scan ramp's result), or null. */
    static StepResult sustainedScanStep(List<StepResult> results) {
        return results.stream().filter(StepResult::sustained)
                .max(Comparator.comparingDouble(StepResult::scanPagesPerS)).orElse(null);
    }

    private static String stepLine(StepResult r) {
        StepResult.Percentiles all = r.latency().get("all");
        return String.format(Locale.ROOT, "tierscope bench: step %d: offered %s/s, published %s/s, processed %s/s, scan pages %s/s"
                        + " of %s/s, lag max %.1f s end %.1f s, latency p50 %s p99 %s -> %s", r.step(), si(r.offeredSamplesPerS()),
                si(r.publishedSamplesPerS()), si(r.processedSamplesPerS()), si(r.scanPagesPerS()), si(r.offeredScanPagesPerS()),
                r.maxLagSeconds(),
                r.endLagSeconds(), ms(all.p50()), ms(all.p99()), r.sustained() ? "sustained" : "NOT sustained");
    }

    private void report(PrintWriter out, List<StepResult> results, Totals totals) {
        out.println();
        out.printf("%-4s %10s %10s %10s %12s %7s %9s %9s %7s %7s %7s %8s %8s %6s %6s%n", "step", "offered/s", "published",
                "processed", "scanpages/s", "lag end", "lat p50", "lat p99", "cpu st", "cpu col", "cpu plt", "rss st", "rss col",
                "B/smp", "cl B/s");
        for (StepResult r : results) {
            StepResult.Percentiles all = r.latency().get("all");
            out.printf(Locale.ROOT, "%-4s %10s %10s %10s %12s %7.1f %9s %9s %7.2f %7.2f %7.2f %7.0fM %7.0fM %6.2f %6.1f%n",
                    r.step() + (r.sustained() ? "" : "!"), si(r.offeredSamplesPerS()), si(r.publishedSamplesPerS()),
                    si(r.processedSamplesPerS()), si(r.scanPagesPerS()), r.endLagSeconds(), ms(all.p50()), ms(all.p99()),
                    r.processes().get("streams").cpuCores(), r.processes().get("collector").cpuCores(),
                    r.processes().get("platform+bench").cpuCores(), r.processes().get("streams").peakRssMiB(),
                    r.processes().get("collector").peakRssMiB(), r.bytes().wirePerSample(), r.bytes().changelogPerSample());
        }
        out.println("(! = not sustained; latency = window end -> curve/heat summary readable; cpu in cores: streams,"
                + " collector, platform (broker + registry, in this JVM); rss = peak; B/smp = raw-samples topic bytes per"
                + " sample, cl B/s = changelog bytes per sample)");
        for (StepResult r : results) {
            StringBuilder line = new StringBuilder("step " + r.step() + " CPU per sample:");
            r.processes().forEach((name, f) -> line.append(String.format(Locale.ROOT, " %s %.2f us", name, r.cpuMicrosPerSample(f))));
            if (r.scanPagesPerS() > 0) {
                line.append("; per scan page:");
                r.processes().forEach((name, f) -> line.append(String.format(Locale.ROOT, " %s %.1f ns", name,
                        r.cpuNanosPerScanPage(f))));
            }
            out.println(line);
        }
        StepResult best = sustainedStep(results);
        StepResult bestScans = sustainedScanStep(results);
        out.printf(Locale.ROOT, "sustained: %s samples/s, %s A/D-scan pages/s; latency p50 %s p99 %s (window %d s, grace %d s);"
                        + " %.2f bytes/sample on the wire, %.2f bytes/sample in changelogs%n",
                best == null ? "none" : si(best.processedSamplesPerS()), bestScans == null ? "none" : si(bestScans.scanPagesPerS()),
                best == null ? "-" : ms(best.latency().get("all").p50()), best == null ? "-" : ms(best.latency().get("all").p99()),
                windowSeconds, graceSeconds, totals.wireBytesPerSample(), totals.changelogBytesPerSample());
    }

    private void writeJson(List<StepResult> results, Totals totals) throws IOException {
        StepResult best = sustainedStep(results);
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("sustained_samples_per_s", best == null ? 0 : Math.round(best.processedSamplesPerS()));
        StepResult bestScans = sustainedScanStep(results);
        root.put("sustained_scan_pages_per_s", bestScans == null ? 0 : Math.round(bestScans.scanPagesPerS()));
        root.put("latency_p50_ms", best == null ? null : StepResult.number(best.latency().get("all").p50()));
        root.put("latency_p99_ms", best == null ? null : StepResult.number(best.latency().get("all").p99()));
        root.put("latency_basis", "window end (youngest sample) -> window's MRC and heat summary readable (read_committed)");
        root.put("wire_bytes_per_sample", StepResult.number(totals.wireBytesPerSample()));
        root.put("changelog_bytes_per_sample", StepResult.number(totals.changelogBytesPerSample()));
        root.put("samples_published", totals.samplesPublished());
        root.put("scans_published", totals.scansPublished());
        root.put("scan_bytes", totals.scanBytes());
        root.put("streams_start_seconds", StepResult.round(totals.streamsStartSeconds()));
        root.put("sustained_step", best == null ? null : best.step());
        root.put("sustained_scan_step", bestScans == null ? null : bestScans.step());
        root.put("processes", best == null ? null : best.toJson().get("processes"));
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("vms", vms);
        settings.put("rate_per_vm", rate);
        settings.put("ramp", ramp);
        settings.put("steps", steps);
        settings.put("step_seconds", stepSeconds);
        settings.put("footprint_pages", footprint);
        settings.put("scan_period_ms", scanPeriodMs);
        settings.put("window_seconds", windowSeconds);
        settings.put("grace_seconds", graceSeconds);
        settings.put("partitions", partitions);
        settings.put("max_lag_seconds", maxLagSeconds);
        settings.put("streams_config", streamsConfig == null ? null : streamsConfig.toString());
        settings.put("streams_jvm_options", streamsJvmOptions);
        settings.put("collector_jvm_options", collectorJvmOptions);
        settings.put("platform", cluster.named() ? "external" : "embedded");
        settings.put("short", smoke);
        settings.put("scan_ramp", scanRamp);
        root.put("settings", settings);
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        // Other work on the box takes its share of the cores: the figures only mean something beside it.
        machine.put("load_average_at_start", loadAtStart);
        machine.put("load_average_at_end", loadAverage());
        root.put("machine", machine);
        root.put("steps", results.stream().map(StepResult::toJson).toList());
        if (json.toAbsolutePath().getParent() != null) {
            Files.createDirectories(json.toAbsolutePath().getParent());
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), root);
    }

    /** The 1-minute load average (/proc/loadavg), or -1 where there is none. */
    private static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException none) {
            return -1;
        }
    }

    private static long delta(Map<String, Long> after, Map<String, Long> before, String topic) {
        return after.getOrDefault(topic, 0L) - before.getOrDefault(topic, 0L);
    }

    private static List<String> split(String options) {
        return options == null || options.isBlank() ? List.of() : List.of(options.trim().split("\\s+"));
    }

    /** 1234567 -> "1.23M". */
    static String si(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        double a = Math.abs(v);
        if (a >= 1e9) {
            return String.format(Locale.ROOT, "%.2fG", v / 1e9);
        }
        if (a >= 1e6) {
            return String.format(Locale.ROOT, "%.2fM", v / 1e6);
        }
        if (a >= 1e3) {
            return String.format(Locale.ROOT, "%.1fk", v / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f", v);
    }

    private static String ms(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.0fms", v);
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
