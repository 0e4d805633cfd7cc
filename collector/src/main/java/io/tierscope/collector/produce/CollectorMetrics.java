package io.tierscope.collector.produce;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Counters of one collector, written by pump threads and the producer's I/O thread without
 * locks. Every sample read ends up in exactly one of: filtered, published, dropped (buffer
 * full), failed (delivery gave up) or still pending in the buffer; {@link MetricsSnapshot}
 * checks that sum.
 */
public final class CollectorMetrics {
    private static final long MAX_LATENCY_MICROS = TimeUnit.MINUTES.toMicros(30);

    final LongAdder samplesRead = new LongAdder();
    final LongAdder samplesFiltered = new LongAdder();
    final LongAdder samplesPublished = new LongAdder();
    final LongAdder samplesDropped = new LongAdder();
    final LongAdder samplesFailed = new LongAdder();
    final LongAdder samplesLostAtSource = new LongAdder();
    final LongAdder batchesPublished = new LongAdder();
    final LongAdder batchesDropped = new LongAdder();
    final LongAdder batchesFailed = new LongAdder();
    final LongAdder scansPublished = new LongAdder();
    final LongAdder scansDropped = new LongAdder();
    final LongAdder scansFailed = new LongAdder();
    final LongAdder bytesPublished = new LongAdder();
    final LongAdder scanPages = new LongAdder();
    final LongAdder scanPagesPublished = new LongAdder();
    final LongAdder scanBitmapBytes = new LongAdder();
    final LongAdder scanPayloadBytes = new LongAdder();

    // Send latency (producer.send() -> broker ack) in microseconds; recording is wait-free.
    private final Recorder sendLatency = new Recorder(MAX_LATENCY_MICROS, 3);
    private final Histogram latencyTotal = new Histogram(MAX_LATENCY_MICROS, 3);
    private final long startNanos = System.nanoTime();
    private volatile LongSupplier bufferedBytes = () -> 0;
    private volatile LongSupplier scanPeriodsMissed = () -> 0;
    private volatile LongSupplier scansDeferred = () -> 0;

    void bufferGauge(LongSupplier reservedBytes, LongSupplier scansDeferred) {
        this.bufferedBytes = reservedBytes;
        this.scansDeferred = scansDeferred;
    }

    /** Periods the scan sources could not hand over on time (merged into later ones), summed. */
    void scanPeriodsMissedGauge(LongSupplier missed) {
        this.scanPeriodsMissed = missed;
    }

    void recordSendLatency(long nanos) {
        sendLatency.recordValue(Math.min(MAX_LATENCY_MICROS, Math.max(0, TimeUnit.NANOSECONDS.toMicros(nanos))));
    }

    /** The counters now; latency percentiles cover every send since the collector started. */
    public synchronized MetricsSnapshot snapshot() {
        latencyTotal.add(sendLatency.getIntervalHistogram());
        return new MetricsSnapshot(
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos),
                samplesRead.sum(), samplesFiltered.sum(), samplesPublished.sum(), samplesDropped.sum(),
                samplesFailed.sum(), samplesLostAtSource.sum(),
                batchesPublished.sum(), batchesDropped.sum(), batchesFailed.sum(),
                scansPublished.sum(), scansDropped.sum(), scansFailed.sum(),
                bytesPublished.sum(), bufferedBytes.getAsLong(),
                latencyTotal.getTotalCount(),
                latencyTotal.getValueAtPercentile(50) / 1000.0,
                latencyTotal.getValueAtPercentile(99) / 1000.0,
                latencyTotal.getMaxValue() / 1000.0,
                scanPagesPublished.sum(), scansDeferred.getAsLong(), scanPeriodsMissed.getAsLong(),
                scanBitmapBytes.sum(), scanPayloadBytes.sum());
    }
}
