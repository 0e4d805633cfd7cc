package io.tierscope.collector.produce;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the collector keeps per VM across batches: its id and the samples lost since the last
 * batch that left the collector. Losses come from a full buffer (pump thread), from the source
 * itself, and from failed deliveries (producer I/O thread), hence the atomic counter; the next
 * batch carries them in {@code droppedSinceLastBatch}.
 */
final class VmLane {
    private final String vmId;
    private final AtomicLong droppedPending = new AtomicLong();

    VmLane(String vmId) {
        if (vmId == null || vmId.isBlank()) {
            throw new IllegalArgumentException("VM id must not be blank");
        }
        this.vmId = vmId;
    }

    String vmId() {
        return vmId;
    }

    void addDropped(long samples) {
        if (samples > 0) {
            droppedPending.addAndGet(samples);
        }
    }

    /** The losses not yet reported, resetting them to 0. */
    long takeDropped() {
        return droppedPending.getAndSet(0);
    }

    long droppedPending() {
        return droppedPending.get();
    }
}
