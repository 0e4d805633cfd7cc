package io.tierscope.collector.produce;

import io.tierscope.avro.AdScan;
import io.tierscope.avro.SampleBatch;
import org.apache.avro.specific.SpecificRecord;

/**
 * One record admitted to the {@link SendBuffer}: a sample batch or one chunk of an A/D scan,
 * with what the sender needs to account for it once the broker answers.
 */
final class Outgoing {
    /** Per-record weight on top of the payload, so that empty batches and scans are bounded too. */
    static final int RECORD_OVERHEAD_BYTES = 64;

    private final String topic;
    private final VmLane lane;
    private final SpecificRecord value;
    private final long eventTimeMs;
    private final int sampleCount; // samples of a batch, pages of a scan
    private final boolean scan;
    private final int weightBytes;
    private final boolean endOfInput;

    private Outgoing(String topic, VmLane lane, SpecificRecord value, long eventTimeMs, int sampleCount, boolean scan,
                     int payloadBytes, boolean endOfInput) {
        this.topic = topic;
        this.eventTimeMs = eventTimeMs;
        this.lane = lane;
        this.value = value;
        this.sampleCount = sampleCount;
        this.scan = scan;
        this.weightBytes = payloadBytes + RECORD_OVERHEAD_BYTES;
        this.endOfInput = endOfInput;
    }

    static Outgoing samples(String topic, VmLane lane, SampleBatch batch, int sampleCount, int payloadBytes) {
        return samples(topic, lane, batch, sampleCount, payloadBytes, false);
    }

    /** A sample batch; {@code endOfInput}: the VM's last of a finite run ({@link io.tierscope.topics.EndOfInput}). */
    static Outgoing samples(String topic, VmLane lane, SampleBatch batch, int sampleCount, int payloadBytes,
                            boolean endOfInput) {
        return new Outgoing(topic, lane, batch, batch.getEndTimeMs(), sampleCount, false, payloadBytes, endOfInput);
    }

    /** One scan chunk: {@code pageCount} pages, {@code payloadBytes} of bitmaps or runs. */
    static Outgoing scan(String topic, VmLane lane, AdScan scan, int payloadBytes, int pageCount) {
        return new Outgoing(topic, lane, scan, scan.getTimeMs(), pageCount, true, payloadBytes, false);
    }

    /** Whether the record carries the end-of-input header. */
    boolean endOfInput() {
        return endOfInput;
    }

    String topic() {
        return topic;
    }

    /** The record key: the VM id. */
    String key() {
        return lane.vmId();
    }

    VmLane lane() {
        return lane;
    }

    SpecificRecord value() {
        return value;
    }

    /**
     * The record's event time, sent as its Kafka timestamp (CreateTime), so that the stream
     * app's stream time follows the data's own clock: a replay of yesterday's trace is not late.
     */
    long eventTimeMs() {
        return eventTimeMs;
    }

    /** Samples of a batch; 0 for a scan. */
    int sampleCount() {
        return scan ? 0 : sampleCount;
    }

    /** Pages a scan chunk covers; 0 for a sample batch. */
    int scanPages() {
        return scan ? sampleCount : 0;
    }

    boolean isScan() {
        return scan;
    }

    int weightBytes() {
        return weightBytes;
    }
}
