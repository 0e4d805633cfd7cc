package io.tierscope.collector.produce;

import io.tierscope.analytics.sampling.SpatialFilter;
import io.tierscope.collector.source.Pacer;
import io.tierscope.collector.source.SampleFeed;
import io.tierscope.collector.source.ScanSource;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One host's collector: sample feeds and scan sources, each drained by its own pump thread,
 * into per-VM batches, through one bounded {@link SendBuffer}, out of one idempotent Kafka
 * producer. Data flow: feed -> {@link SamplePump} -> {@link SampleBatcher} -> {@link SendBuffer}
 * -> {@link BatchSender} -> topic (and scan source -> {@link ScanPump} -> the same buffer).
 *
 * <p>Usage: {@link #create}, {@link #addSamples}/{@link #addScans}, {@link #start}, then either
 * {@link #awaitSourcesEnded} (replay) or a duration, then {@link #stop}, which returns the final
 * exact counts.
 */
public final class Collector implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Collector.class);
    /** Samples one pump reads per block at most (a kernel queue holds 65536). */
    static final int MAX_BLOCK = 4096;

    private final CollectorSettings settings;
    private final Supplier<Producer<String, SpecificRecord>> producerFactory;
    private Producer<String, SpecificRecord> producer;
    private final SendBuffer buffer;
    private final CollectorMetrics metrics = new CollectorMetrics();
    private final DeliveryHealth health;
    private BatchSender sender;
    private final LongSupplier clockMs;
    private final double prefilterRate;
    private final Map<String, SampleBatcher> sampleLanes = new HashMap<>();
    private final Map<String, ScanPump> scanLanes = new HashMap<>();
    /** The scan pumps, for the metrics thread (scanLanes is guarded by this collector's lock). */
    private final List<ScanPump> scanPumps = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<SamplePump> samplePumps = new ArrayList<>();
    private final List<Thread> sampleThreads = new ArrayList<>();
    private final List<Thread> scanThreads = new ArrayList<>();
    private final List<SampleFeed> feeds = new ArrayList<>();
    private final List<ScanSource> scanSources = new ArrayList<>();
    /** Opened by the producer's first answer: paced feeds start their clocks then (see SamplePump). */
    private final CountDownLatch producerAnswered = new CountDownLatch(1);
    private Thread senderThread;
    private ScheduledExecutorService reporter;
    private volatile Consumer<String> reportSink = LOG::info;
    private MetricsSnapshot finalSnapshot;
    private boolean started;

    private Collector(CollectorSettings settings, Supplier<Producer<String, SpecificRecord>> producerFactory,
                      LongSupplier clockMs) {
        this.settings = settings;
        this.producerFactory = producerFactory;
        this.clockMs = clockMs;
        this.buffer = new SendBuffer(settings.bufferBytes(), settings.scanBufferBytes());
        this.prefilterRate = settings.prefilterRate();
        metrics.bufferGauge(buffer::reservedBytes, buffer::scansDeferred);
        metrics.scanPeriodsMissedGauge(this::scanPeriodsMissed);
        this.health = new DeliveryHealth(settings.bootstrapServers(), settings.schemaRegistryUrl(), buffer::reservedBytes,
                System::nanoTime, line -> reportSink.accept(line));
    }

    /**
     * A collector with a Kafka producer configured from the settings. The producer is created by
     * {@link #start}, so sources can be opened (and fail on local problems) before Kafka is touched.
     */
    public static Collector create(CollectorSettings settings) {
        return new Collector(settings, () -> new KafkaProducer<>(settings.producerProperties()), System::currentTimeMillis);
    }

    /** A collector over a given producer (tests use Kafka's MockProducer); it closes the producer on stop. */
    public static Collector create(CollectorSettings settings, Producer<String, SpecificRecord> producer) {
        return new Collector(settings, () -> producer, System::currentTimeMillis);
    }

    /** Where the periodic and the final metrics lines go (default: the log at INFO). */
    public synchronized Collector reportTo(Consumer<String> sink) {
        this.reportSink = sink;
        return this;
    }

    /**
     * Adds a sample feed, drained by its own thread. Live feeds drop (counted) when the buffer is
     * full; others block.
     *
     * @param kind             the SampleBatch.source of its batches
     * @param samplingHz       the SampleBatch.samplingHz of its batches (0 when not sampled)
     * @param samplesPerSecond pacing of the whole feed; 0 = as fast as possible (ignored for live feeds)
     */
    public synchronized Collector addSamples(SampleFeed feed, io.tierscope.avro.SampleSource kind, int samplingHz,
                                             double samplesPerSecond) {
        requireNotStarted();
        Admission admission = feed.live() ? Admission.DROP : Admission.BLOCK;
        // A feed behind schedule catches up at most one linger's worth (at least one pacing block):
        // a burst then fits in the batches that would have gone out anyway.
        long maxCatchUpNanos = TimeUnit.MILLISECONDS.toNanos(Math.max(settings.lingerMs(), 1000 / Pacer.BLOCKS_PER_SECOND));
        Pacer pacer = feed.live() ? Pacer.unlimited()
                : Pacer.perSecond(samplesPerSecond, maxCatchUpNanos, Pacer.Ticker.SYSTEM);
        SamplePump.Lanes lanes = new SamplePump.Lanes() {
            @Override
            public SampleBatcher open(String vmId) {
                return openSampleLane(vmId, kind, samplingHz, admission);
            }

            @Override
            public LongPredicate filter(String vmId) {
                // The streams app's SHARDS samplers use the same hash (SpatialHash), so a page kept
                // here is one they would sample at this rate too: the host cuts its Kafka volume at
                // the source without changing what a sampler at a rate <= this one sees.
                return prefilterRate >= 1 ? null : SpatialFilter.forRate(vmId, prefilterRate)::test;
            }
        };
        SamplePump pump = new SamplePump(feed, lanes, pacer, MAX_BLOCK, metrics, clockMs,
                nanos -> producerAnswered.await(nanos, TimeUnit.NANOSECONDS));
        samplePumps.add(pump);
        sampleThreads.add(daemon(pump, "collector-samples-" + samplePumps.size()));
        feeds.add(feed);
        return this;
    }

    /** Adds the A/D scans of one VM, run by their own thread; {@code live} as for samples. */
    public synchronized Collector addScans(String vmId, ScanSource source, io.tierscope.avro.ScanSource kind,
                                           boolean live) {
        requireNotStarted();
        if (scanLanes.containsKey(vmId)) {
            throw new IllegalArgumentException("VM " + vmId + " already has a scan source on this collector");
        }
        ScanPump pump = new ScanPump(settings.host(), new VmLane(vmId), source, kind, buffer,
                live ? Admission.DROP : Admission.BLOCK, metrics, clockMs, settings.scanRunEncoding());
        scanLanes.put(vmId, pump);
        scanPumps.add(pump);
        scanThreads.add(daemon(pump, "collector-scans-" + vmId));
        scanSources.add(source);
        return this;
    }

    /** The producer (after {@link #start()}), for its client metrics. */
    public synchronized Producer<String, SpecificRecord> producer() {
        return producer;
    }

    public synchronized void start() {
        requireNotStarted();
        producer = producerFactory.get();
        sender = new BatchSender(buffer, producer, metrics, health, producerAnswered::countDown);
        started = true;
        senderThread = daemon(sender, "collector-sender");
        senderThread.start();
        sampleThreads.forEach(Thread::start);
        scanThreads.forEach(Thread::start);
        reporter = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "collector-metrics"));
        // The sender may sit in a producer call for minutes (no metadata: broker away); look from here too.
        reporter.scheduleWithFixedDelay(health::check, 1, 1, TimeUnit.SECONDS);
        if (settings.metricsIntervalMs() > 0) {
            reporter.scheduleAtFixedRate(() -> reportSink.accept(metrics.snapshot().format()),
                    settings.metricsIntervalMs(), settings.metricsIntervalMs(), TimeUnit.MILLISECONDS);
        }
        LOG.info("collector on host {} started: {} sample feed(s), {} scan source(s), buffer {} bytes, {} compression",
                settings.host(), samplePumps.size(), scanLanes.size(), settings.bufferBytes(), settings.compression());
    }

    /**
     * Waits until every sample feed and scan source reached its end (or failed); true if they
     * all did within the timeout.
     */
    public boolean awaitSourcesEnded(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Thread> pumps = new ArrayList<>(sampleThreads);
        pumps.addAll(scanThreads);
        for (Thread t : pumps) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            if (t.isAlive()) {
                return false;
            }
        }
        return true;
    }

    public CollectorMetrics metrics() {
        return metrics;
    }

    /** Whether records get out now, and the longest broker and registry outages of the run. */
    public DeliveryHealth.Status health() {
        return health.status();
    }

    /** Errors that ended a pump early (a feed that threw, a scan source that failed). */
    public synchronized List<Exception> failures() {
        List<Exception> out = new ArrayList<>();
        for (SamplePump p : samplePumps) {
            if (p.failure() != null) {
                out.add(p.failure());
            }
        }
        for (ScanPump p : scanLanes.values()) {
            if (p.failure() != null) {
                out.add(p.failure());
            }
        }
        return out;
    }

    /**
     * Stops the pumps, seals every open batch, sends what the buffer holds and waits for the
     * broker's answers up to {@code timeout}; what is still unanswered then is counted failed.
     * Idempotent: later calls return the same final counts.
     */
    public synchronized MetricsSnapshot stop(Duration timeout) {
        if (finalSnapshot != null) {
            return finalSnapshot;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        if (started) {
            samplePumps.forEach(SamplePump::requestStop);
            scanLanes.values().forEach(ScanPump::requestStop);
            stopThreads(sampleThreads, deadline);
            // Closed feeds end the scan sides that derive from them (synthetic VMs).
            closeAll(feeds);
            stopThreads(scanThreads, deadline);
            drain(deadline);
            buffer.close();
            sender.drainAndStop();
            // At least a moment to hand what is queued to the producer, even past the deadline.
            joinQuietly(senderThread, Math.max(deadline, System.nanoTime() + TimeUnit.SECONDS.toNanos(1)));
            if (senderThread.isAlive()) {
                senderThread.interrupt();
                joinQuietly(senderThread, System.nanoTime() + TimeUnit.SECONDS.toNanos(5));
            }
            if (reporter != null) {
                reporter.shutdownNow();
            }
        }
        health.check(); // an outage that lasted until the end still counts in the final status
        if (sender != null) {
            sender.giveUp(); // what the producer still holds fails for good now, instead of going back to the buffer
        }
        if (producer != null) {
            producer.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
        failLeftovers();
        closeAll(feeds);
        closeAll(scanSources);
        finalSnapshot = metrics.snapshot();
        if (started) {
            reportSink.accept("final: " + finalSnapshot.format());
        }
        return finalSnapshot;
    }

    @Override
    public void close() {
        stop(Duration.ofMillis(settings.deliveryTimeoutMs()));
    }

    private long scanPeriodsMissed() {
        long sum = 0;
        for (ScanPump p : scanPumps) {
            sum += p.periodsMissed();
        }
        return sum;
    }

    private SampleBatcher openSampleLane(String vmId, io.tierscope.avro.SampleSource kind, int samplingHz,
                                         Admission admission) {
        synchronized (sampleLanes) {
            if (sampleLanes.containsKey(vmId)) {
                // batchSeq is per (host, vmId): two feeds of one VM would interleave two sequences.
                throw new IllegalArgumentException("VM " + vmId + " is fed by two sample sources on this collector");
            }
            SampleBatcher b = new SampleBatcher(settings.host(), new VmLane(vmId), kind, samplingHz, prefilterRate,
                    settings.maxBatchSamples(), settings.lingerMs(), buffer, admission, metrics);
            sampleLanes.put(vmId, b);
            return b;
        }
    }

    /**
     * Waits until the broker answered for everything admitted, then lets each VM report losses
     * that happened after its last batch (failed deliveries) in one more, empty batch.
     */
    private void drain(long deadline) {
        for (int round = 0; round < 3; round++) {
            awaitBufferEmpty(deadline);
            boolean carried = false;
            long now = clockMs.getAsLong();
            synchronized (sampleLanes) {
                for (SampleBatcher b : sampleLanes.values()) {
                    if (b.lane().droppedPending() > 0 && System.nanoTime() < deadline) {
                        b.flush(now);
                        carried = true;
                    }
                }
            }
            if (!carried) {
                return;
            }
        }
        awaitBufferEmpty(deadline);
    }

    private void awaitBufferEmpty(long deadline) {
        // Not producer.flush(): it would wait out the whole delivery timeout, ignoring ours.
        while (buffer.reservedBytes() > 0 && System.nanoTime() < deadline && senderThread.isAlive()) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Entries that never reached the producer (stop timed out): counted as failed, exactly. */
    private void failLeftovers() {
        Outgoing left;
        try {
            while ((left = buffer.poll(0, TimeUnit.MILLISECONDS)) != null) {
                if (left.isScan()) {
                    metrics.scansFailed.increment();
                } else {
                    metrics.samplesFailed.add(left.sampleCount());
                    metrics.batchesFailed.increment();
                }
                buffer.release(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void stopThreads(List<Thread> threads, long deadline) {
        for (Thread t : threads) {
            joinQuietly(t, deadline);
        }
        boolean forced = false;
        for (Thread t : threads) {
            if (t.isAlive()) {
                forced = true;
            }
        }
        if (forced) {
            // Wake pumps sleeping in a pace or a scan period; their open batches still go out.
            threads.forEach(Thread::interrupt);
            long grace = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            threads.forEach(t -> joinQuietly(t, grace));
            if (threads.stream().anyMatch(Thread::isAlive)) {
                // Still blocked on a full buffer (broker away): refuse further entries, which the
                // pumps count as dropped, and let them finish.
                buffer.close();
                long last = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                threads.forEach(t -> joinQuietly(t, last));
            }
        }
    }

    /** Closes each source once (the list is emptied). */
    private static void closeAll(List<? extends Closeable> sources) {
        for (Closeable c : sources) {
            try {
                c.close();
            } catch (IOException | RuntimeException e) {
                LOG.warn("closing a source failed: {}", e.toString());
            }
        }
        sources.clear();
    }

    private static void joinQuietly(Thread t, long deadlineNanos) {
        long left = deadlineNanos - System.nanoTime();
        try {
            t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void requireNotStarted() {
        if (started) {
            throw new IllegalStateException("collector already started: add sources before start()");
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
