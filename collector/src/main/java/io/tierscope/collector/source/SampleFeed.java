package io.tierscope.collector.source;

import io.tierscope.workload.AccessBatch;
import java.io.Closeable;
import java.io.IOException;

/**
 * What one collector pump thread drains: samples of one or more VMs (a trace may interleave
 * several), read into a reusable {@link AccessBatch} whose {@code vm[i]} indexes this feed's
 * VM table. Live kernel sources, trace replay and synthetic VMs all look like this to the
 * producer side.
 */
public interface SampleFeed extends Closeable {

    /** Returned by {@link #read} when the feed is exhausted. */
    int END_OF_STREAM = -1;

    /**
     * Fills the block with up to {@code block.capacity()} samples and sets its size.
     *
     * @return the number of samples, 0 when none are available right now (live sources), or
     *         {@link #END_OF_STREAM}
     */
    int read(AccessBatch block) throws IOException;

    /** VMs seen so far; the table only grows. */
    int vmCount();

    /** VM id of table index {@code index}. */
    String vmId(int index);

    /**
     * True for live sources that lose data when not drained (kernel queues): the collector then
     * never blocks on them and counts drops instead. False for replay and synthetic feeds,
     * which the collector slows down instead (backpressure).
     */
    boolean live();

    /** Samples of VM {@code index} the source itself lost since the last call (0 if unknown). */
    default long takeDropped(int index) {
        return 0;
    }
}
