package io.tierscope.collector.produce;

import io.tierscope.avro.SampleBatch;
import io.tierscope.avro.SampleSource;
import io.tierscope.schemas.SampleCodec;
import io.tierscope.topics.Topic;
import java.nio.ByteBuffer;

/**
 * Collects the samples of one VM into {@link SampleBatch} records of at most
 * {@code maxSamples} samples, sealing a batch when it is full or its first sample is
 * {@code lingerMs} old. Owned by one pump thread.
 *
 * <p>Accounting: a sealed batch either enters the send buffer (and takes the next batchSeq) or
 * is dropped whole; its samples are then counted in the metrics and carried, together with any
 * losses not yet reported, in the next batch's {@code droppedSinceLastBatch}. batchSeq only
 * advances for admitted batches, so a gap on the topic means a batch failed in delivery.
 *
 * <p>Pre-filter: every batch carries the lane's pre-filter rate, and the samples the pre-filter
 * removed since the previous admitted batch ({@code prefilteredOut}), so the MRC engine can count
 * them as references (a dropped batch hands its count on, like its losses).
 */
final class SampleBatcher {
    private static final String TOPIC = Topic.RAW_SAMPLES.topicName();

    private final String host;
    private final VmLane lane;
    private final SampleSource kind;
    private final int samplingHz;
    private final double prefilterRate;
    private final long lingerMs;
    private final SendBuffer buffer;
    private final Admission admission;
    private final CollectorMetrics metrics;
    private final long[] gfn;
    private final byte[] xwr;
    private int count;
    private long startMs;
    private long endMs;
    private long nextSeq;
    private long lastEventMs = -1; // end time of the last batch admitted, for an empty end-of-input batch
    private long filteredOut;

    SampleBatcher(String host, VmLane lane, SampleSource kind, int samplingHz, double prefilterRate, int maxSamples,
                  long lingerMs, SendBuffer buffer, Admission admission, CollectorMetrics metrics) {
        if (!(prefilterRate > 0 && prefilterRate <= 1)) {
            throw new IllegalArgumentException("pre-filter rate must be in (0, 1], got " + prefilterRate);
        }
        if (maxSamples <= 0) {
            throw new IllegalArgumentException("max samples per batch must be positive, got " + maxSamples);
        }
        if (lingerMs < 0) {
            throw new IllegalArgumentException("linger must not be negative, got " + lingerMs + " ms");
        }
        this.host = host;
        this.lane = lane;
        this.kind = kind;
        this.samplingHz = samplingHz;
        this.prefilterRate = prefilterRate;
        this.lingerMs = lingerMs;
        this.buffer = buffer;
        this.admission = admission;
        this.metrics = metrics;
        this.gfn = new long[maxSamples];
        this.xwr = new byte[maxSamples];
    }

    VmLane lane() {
        return lane;
    }

    /** Appends one sample seen at {@code nowMs}; seals the batch when it is full. */
    void add(long pageGfn, byte bits, long nowMs) {
        if (count == 0) {
            startMs = nowMs;
        }
        gfn[count] = pageGfn;
        xwr[count] = bits;
        count++;
        endMs = nowMs;
        if (count == gfn.length) {
            seal(nowMs);
        }
    }

    /** Counts one sample of this VM the pre-filter removed; the next batch reports it. */
    void filteredOut() {
        filteredOut++;
    }

    /** Seals the open batch if its first sample is at least the linger time old. */
    void sealIfLingered(long nowMs) {
        if (count > 0 && nowMs - startMs >= lingerMs) {
            seal(nowMs);
        }
    }

    /**
     * Seals the open batch; with no samples open but losses or pre-filtered samples not yet
     * reported, sends an empty batch that carries them, so a run never ends with uncounted drops.
     */
    void flush(long nowMs) {
        if (count > 0 || lane.droppedPending() > 0 || filteredOut > 0) {
            seal(nowMs);
        }
    }

    /**
     * The source has ended (a trace replayed to its end): seals what is open, even nothing, as the VM's last batch,
     * marked {@link io.tierscope.topics.EndOfInput end of input} so the streams app closes its windows now instead
     * of waiting for event time that will never come. An empty last batch keeps the previous batch's event time.
     */
    void finish(long nowMs) {
        seal(count == 0 && lastEventMs >= 0 ? lastEventMs : nowMs, true);
    }

    int openSamples() {
        return count;
    }

    long nextBatchSeq() {
        return nextSeq;
    }

    private void seal(long nowMs) {
        seal(nowMs, false);
    }

    private void seal(long nowMs, boolean endOfInput) {
        int n = count;
        long first = n == 0 ? nowMs : startMs;
        long last = n == 0 ? nowMs : endMs;
        count = 0;
        long dropped = lane.takeDropped();
        long removed = filteredOut;
        filteredOut = 0;
        ByteBuffer packed = SampleCodec.encode(gfn, xwr, n);
        SampleBatch batch = SampleBatch.newBuilder()
                .setVmId(lane.vmId())
                .setHost(host)
                .setSource(kind)
                .setBatchSeq(nextSeq)
                .setStartTimeMs(first)
                .setEndTimeMs(last)
                .setSampleCount(n)
                .setSamples(packed)
                .setSamplingHz(samplingHz)
                .setDroppedSinceLastBatch(dropped)
                .setPrefilterRate(prefilterRate)
                .setPrefilteredOut(removed)
                .setCollectorVersion(CollectorVersion.CURRENT)
                .build();
        if (admission.admit(buffer, Outgoing.samples(TOPIC, lane, batch, n, n * SampleCodec.BYTES_PER_SAMPLE, endOfInput))) {
            nextSeq++;
            lastEventMs = last;
        } else {
            metrics.samplesDropped.add(n);
            if (n > 0) {
                metrics.batchesDropped.increment();
            }
            lane.addDropped(dropped + n);
            filteredOut += removed;
        }
    }
}
