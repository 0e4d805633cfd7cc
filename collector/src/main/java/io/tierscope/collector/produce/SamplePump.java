package io.tierscope.collector.produce;

import io.tierscope.workload.AccessBatch;
import io.tierscope.collector.source.Pacer;
import io.tierscope.collector.source.SampleFeed;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread body that drains one {@link SampleFeed}: paces it, applies the spatial pre-filter,
 * and appends every sample to its VM's {@link SampleBatcher}. On exit (end of stream, stop or
 * failure) it seals every open batch, so nothing read stays unaccounted.
 */
final class SamplePump implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(SamplePump.class);
    /**
     * An idle feed is polled again after 1 ms, doubling up to 64 ms while it stays idle: a live
     * kernel queue (65,536 samples) does not overflow in 64 ms, and a thousand feeds held back at
     * once (synthetic VMs waiting for their scans) do not wake a million times a second, which
     * starved the sender and kept the buffer full.
     */
    static final long MIN_IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    static final long MAX_IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(64);

    /**
     * How long a paced feed's first block waits for the producer's first answer before its clock
     * starts anyway (a broker away at start is then the buffer's business, as later outages are).
     */
    static final long START_GATE_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final long START_GATE_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    /** Waits up to the given nanoseconds for the producer to be ready; true if it is. */
    interface StartGate {
        boolean await(long nanos) throws InterruptedException;
    }

    /** Opens the batcher of a VM the feed announced (the collector checks VM ids are unique). */
    interface Lanes {
        SampleBatcher open(String vmId);

        /** The pre-filter of a VM, or null to keep every sample. */
        LongPredicate filter(String vmId);
    }

    private final SampleFeed feed;
    private final Lanes lanes;
    private final Pacer pacer;
    private final CollectorMetrics metrics;
    private final LongSupplier clockMs;
    private final int blockSize;
    private final StartGate startGate;
    private boolean clockStarted;
    private SampleBatcher[] batchers = new SampleBatcher[0];
    private LongPredicate[] filters = new LongPredicate[0];
    private volatile boolean stopRequested;
    private volatile boolean ended;
    private volatile Exception failure;

    SamplePump(SampleFeed feed, Lanes lanes, Pacer pacer, int maxBlock, CollectorMetrics metrics, LongSupplier clockMs,
               StartGate startGate) {
        this.feed = feed;
        this.startGate = startGate;
        this.clockStarted = !pacer.limited();
        this.lanes = lanes;
        this.pacer = pacer;
        this.metrics = metrics;
        this.clockMs = clockMs;
        this.blockSize = pacer.blockSize(maxBlock);
    }

    void requestStop() {
        stopRequested = true;
    }

    /** True once the feed reported its end (not merely stopped). */
    boolean ended() {
        return ended;
    }

    /** The error that ended the pump, or null. */
    Exception failure() {
        return failure;
    }

    /** The batchers this pump opened; only to be touched once the pump thread has finished. */
    SampleBatcher[] batchers() {
        return batchers.clone();
    }

    @Override
    public void run() {
        AccessBatch block = new AccessBatch(blockSize);
        long idlePark = MIN_IDLE_PARK_NANOS;
        try {
            while (!stopRequested && !Thread.currentThread().isInterrupted()) {
                int n = feed.read(block);
                if (n == SampleFeed.END_OF_STREAM) {
                    ended = true;
                    break;
                }
                if (n == 0) {
                    collectSourceDrops();
                    sealLingered(clockMs.getAsLong());
                    LockSupport.parkNanos(idlePark);
                    idlePark = Math.min(MAX_IDLE_PARK_NANOS, idlePark * 2);
                    continue;
                }
                idlePark = MIN_IDLE_PARK_NANOS;
                if (!clockStarted) {
                    startClock(block, n);
                    continue;
                }
                pacer.acquire(n);
                deliver(block, n, clockMs.getAsLong());
                collectSourceDrops();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failure = e;
            // One line; the command reports the failure again at exit. The trace only when debugging.
            LOG.error("sample feed of VM(s) {} failed: {}", vmIds(), e.getMessage());
            LOG.debug("sample feed failure", e);
        } finally {
            // A stop that interrupted a pacing sleep must not cost the samples already read: seal
            // them uninterrupted (a closed buffer still refuses them, and that is counted).
            boolean interrupted = Thread.interrupted();
            collectSourceDrops();
            long now = clockMs.getAsLong();
            for (SampleBatcher b : batchers) {
                if (ended) {
                    b.finish(now); // the source is exhausted: the VM's last batch says so
                } else {
                    b.flush(now);
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * A paced feed's first block goes out at once, and the pacer's clock starts when the producer
     * has answered for something: until then (metadata, schema registration, a cold JVM) the send
     * path cannot keep up, and samples paced meanwhile would leave in one burst of several times
     * the rate, which lags every consumer at the start.
     */
    private void startClock(AccessBatch block, int n) throws InterruptedException {
        long now = clockMs.getAsLong();
        deliver(block, n, now);
        collectSourceDrops();
        for (SampleBatcher b : batchers) {
            b.flush(now);
        }
        long waited = 0;
        while (!stopRequested && waited < START_GATE_TIMEOUT_NANOS && !startGate.await(START_GATE_POLL_NANOS)) {
            waited += START_GATE_POLL_NANOS;
        }
        clockStarted = true;
        pacer.acquire(n); // the schedule starts now, with the first block counted
    }

    private void deliver(AccessBatch block, int n, long nowMs) {
        metrics.samplesRead.add(n);
        if (feed.vmCount() > batchers.length) {
            openNewLanes();
        }
        long filtered = 0;
        long[] gfn = block.gfn;
        byte[] xwr = block.xwr;
        int[] vm = block.vm;
        for (int i = 0; i < n; i++) {
            int v = vm[i];
            LongPredicate filter = filters[v];
            if (filter == null || filter.test(gfn[i])) {
                batchers[v].add(gfn[i], xwr[i], nowMs);
            } else {
                batchers[v].filteredOut();
                filtered++;
            }
        }
        metrics.samplesFiltered.add(filtered);
        sealLingered(nowMs);
    }

    private void openNewLanes() {
        int old = batchers.length;
        int count = feed.vmCount();
        batchers = Arrays.copyOf(batchers, count);
        filters = Arrays.copyOf(filters, count);
        for (int v = old; v < count; v++) {
            String vmId = feed.vmId(v);
            batchers[v] = lanes.open(vmId);
            filters[v] = lanes.filter(vmId);
        }
    }

    private void sealLingered(long nowMs) {
        for (SampleBatcher b : batchers) {
            b.sealIfLingered(nowMs);
        }
    }

    private void collectSourceDrops() {
        for (int v = 0; v < batchers.length; v++) {
            long lost = feed.takeDropped(v);
            if (lost > 0) {
                metrics.samplesLostAtSource.add(lost);
                batchers[v].lane().addDropped(lost);
            }
        }
    }

    private String vmIds() {
        StringBuilder s = new StringBuilder();
        for (int v = 0; v < feed.vmCount(); v++) {
            s.append(v == 0 ? "" : ",").append(feed.vmId(v));
        }
        return s.toString();
    }
}
