package io.tierscope.collector.produce;

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
    private final int sampleCount;
    private final boolean scan;
    private final int weightBytes;

    private Outgoing(String topic, VmLane lane, SpecificRecord value, int sampleCount, boolean scan, int payloadBytes) {
        this.topic = topic;
        this.lane = lane;
        this.value = value;
        this.sampleCount = sampleCount;
        this.scan = scan;
        this.weightBytes = payloadBytes + RECORD_OVERHEAD_BYTES;
    }

    static Outgoing samples(String topic, VmLane lane, SpecificRecord batch, int sampleCount, int payloadBytes) {
        return new Outgoing(topic, lane, batch, sampleCount, false, payloadBytes);
    }

    static Outgoing scan(String topic, VmLane lane, SpecificRecord scan, int payloadBytes) {
        return new Outgoing(topic, lane, scan, 0, true, payloadBytes);
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

    int sampleCount() {
        return sampleCount;
    }

    boolean isScan() {
        return scan;
    }

    int weightBytes() {
        return weightBytes;
    }
}
