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

    /**
     * Periods this source could not hand over because the collector had not taken the earlier
     * ones yet, merged into a later scan (that scan covers them all, as A/D bits read late do).
     * Read from another thread: implementations keep it in a volatile or atomic field.
     */
    default long periodsMissed() {
        return 0;
    }
}
