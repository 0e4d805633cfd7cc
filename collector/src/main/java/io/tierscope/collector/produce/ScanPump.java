package io.tierscope.collector.produce;

import io.tierscope.avro.AdScan;
import io.tierscope.collector.source.ScanSink;
import io.tierscope.collector.source.ScanSource;
import io.tierscope.schemas.SampleCodec;
import io.tierscope.schemas.ScanRuns;
import io.tierscope.schemas.ScanSequence;
import io.tierscope.topics.Topic;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thread body that runs one VM's {@link ScanSource} period after period and turns each
 * chunk into an {@link AdScan} record. All chunks of one period share its scanSeq (so the
 * sequence is per (vmId, baseGfn), one per period) and its time. The sequence carries this run's
 * incarnation, its start time ({@link ScanSequence}): a collector restarted for the VM numbers its
 * periods from 0 again, yet its scans sort after the previous run's and are not taken for replays.
 */
final class ScanPump implements Runnable, ScanSink {
    private static final Logger LOG = LoggerFactory.getLogger(ScanPump.class);
    private static final String TOPIC = Topic.AD_SCANS.topicName();

    private final String host;
    private final VmLane lane;
    private final ScanSource source;
    private final io.tierscope.avro.ScanSource kind;
    private final SendBuffer buffer;
    private final Admission admission;
    private final CollectorMetrics metrics;
    private final LongSupplier clockMs;
    private final boolean runEncoding;
    private volatile boolean stopRequested;
    private volatile boolean ended;
    private volatile Exception failure;
    private long incarnationMs = -1;
    private long periodCounter;
    private long scanTimeMs = -1;

    ScanPump(String host, VmLane lane, ScanSource source, io.tierscope.avro.ScanSource kind, SendBuffer buffer,
             Admission admission, CollectorMetrics metrics, LongSupplier clockMs, boolean runEncoding) {
        this.host = host;
        this.lane = lane;
        this.source = source;
        this.kind = kind;
        this.buffer = buffer;
        this.admission = admission;
        this.metrics = metrics;
        this.clockMs = clockMs;
        this.runEncoding = runEncoding;
    }

    void requestStop() {
        stopRequested = true;
    }

    boolean ended() {
        return ended;
    }

    Exception failure() {
        return failure;
    }

    /** Periods the source merged into later ones because this pump was behind. */
    long periodsMissed() {
        return source.periodsMissed();
    }

    String vmId() {
        return lane.vmId();
    }

    @Override
    public void run() {
        incarnationMs = clockMs.getAsLong();
        try {
            while (!stopRequested && !Thread.currentThread().isInterrupted()) {
                scanTimeMs = -1;
                if (!source.scan(this)) {
                    ended = true;
                    return;
                }
                nextPeriod();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failure = e;
            // One line; the command reports the failure again at exit. The trace only when debugging.
            LOG.error("scan source of VM {} failed: {}", lane.vmId(), e.getMessage());
            LOG.debug("scan source failure", e);
        }
    }

    /** Counts a period; a used-up counter continues in a newer incarnation (later than any before). */
    private void nextPeriod() {
        if (periodCounter < ScanSequence.MAX_COUNTER) {
            periodCounter++;
        } else {
            incarnationMs = Math.max(clockMs.getAsLong(), incarnationMs + 1);
            periodCounter = 0;
        }
    }

    @Override
    public void chunk(long baseGfn, int pageCount, byte[] accessed, byte[] dirty) {
        int bytes = SampleCodec.bitmapBytes(pageCount);
        if (accessed.length < bytes || (dirty != null && dirty.length < bytes)) {
            throw new IllegalArgumentException("scan chunk of VM " + lane.vmId() + " at gfn " + baseGfn + " has "
                    + pageCount + " pages but a bitmap of " + accessed.length + " bytes"
                    + (dirty == null ? "" : " / " + dirty.length + " bytes"));
        }
        if (scanTimeMs < 0) {
            scanTimeMs = clockMs.getAsLong();
        }
        AdScan.Builder scan = AdScan.newBuilder()
                .setVmId(lane.vmId())
                .setHost(host)
                .setSource(kind)
                .setScanSeq(ScanSequence.of(incarnationMs, periodCounter))
                .setTimeMs(scanTimeMs)
                .setPeriodMs(source.periodMs())
                .setBaseGfn(baseGfn)
                .setPageCount(pageCount)
                .setCollectorVersion(CollectorVersion.CURRENT);
        // Runs where smaller (a period touches few or clustered pages): the buffer, the producer's
        // compression and the broker all see that many fewer bytes.
        byte[] accessedRuns = runEncoding ? ScanRuns.encodeIfSmaller(accessed, pageCount) : null;
        byte[] dirtyRuns = runEncoding && dirty != null ? ScanRuns.encodeIfSmaller(dirty, pageCount) : null;
        if (accessedRuns != null) {
            scan.setAccessed(ByteBuffer.allocate(0)).setAccessedRuns(ByteBuffer.wrap(accessedRuns));
        } else {
            scan.setAccessed(ByteBuffer.wrap(Arrays.copyOf(accessed, bytes)));
        }
        if (dirtyRuns != null) {
            scan.setDirty(null).setDirtyRuns(ByteBuffer.wrap(dirtyRuns));
        } else {
            scan.setDirty(dirty == null ? null : ByteBuffer.wrap(Arrays.copyOf(dirty, bytes)));
        }
        int payload = (accessedRuns != null ? accessedRuns.length : bytes)
                + (dirty == null ? 0 : dirtyRuns != null ? dirtyRuns.length : bytes);
        metrics.scanPages.add(pageCount);
        metrics.scanBitmapBytes.add((long) bytes * (dirty == null ? 1 : 2));
        metrics.scanPayloadBytes.add(payload);
        if (!admission.admit(buffer, Outgoing.scan(TOPIC, lane, scan.build(), payload, pageCount))) {
            metrics.scansDropped.increment();
        }
    }
}
