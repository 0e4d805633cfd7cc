package io.tierscope.collector.source;

import java.io.Closeable;
import java.io.IOException;

/**
 * Page-access samples of ONE VM, pulled by the collector's pump thread into primitive arrays
 * (no per-sample objects). Implemented by live kernel sources (kvm-ept-sample) and adapted
 * by {@link SampleFeeds#of} into the collector's multi-VM {@link SampleFeed}.
 *
 * <p>xwr uses the bit meaning of {@code io.tierscope.schemas.SampleCodec}: bit0 read,
 * bit1 write, bit2 execute.
 */
public interface SampleSource extends Closeable {

    /** Returned by {@link #poll} when the source will never produce samples again. */
    int END_OF_STREAM = -1;

    /**
     * Copies up to {@code max} samples that are available now into {@code gfn[0..n)} and
     * {@code xwr[0..n)} and returns n. Returns 0 when nothing is available at the moment
     * (must not block for long: live kernel queues drop when not drained), or
     * {@link #END_OF_STREAM} when the source is exhausted.
     */
    int poll(long[] gfn, byte[] xwr, int max) throws IOException;

    /**
     * Samples the source itself knows it lost since the previous call (for example a kernel
     * queue that reports overflow); 0 when unknown or none. The collector adds them to the
     * VM's {@code droppedSinceLastBatch}.
     */
    default long takeDropped() {
        return 0;
    }
}
