package io.tierscope.collector.source;

import java.io.Closeable;
import java.io.IOException;

/**
 * Accessed/dirty-bit scans of ONE VM. One call of {@link #scan} covers one whole scan period:
 * it re-arms the bits (page_idle, clear_refs, ...), waits the period where the source needs
 * to, reads the bits back and hands every gfn chunk to the sink. The collector stamps the
 * scan time and assigns the scan sequence number.
 */
public interface ScanSource extends Closeable {

    /** Length of the period one {@link #scan} covers, in milliseconds. */
    int periodMs();

    /**
     * Performs one scan period and emits its chunks.
     *
     * @return false when the source is exhausted (no chunks were emitted), true otherwise
     */
    boolean scan(ScanSink sink) throws IOException, InterruptedException;
}
