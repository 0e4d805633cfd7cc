package io.tierscope.collector.source;

import java.io.IOException;

/**
 * A source of raw page-access samples (gfn + xwr bits) of one VM. Polling never blocks: it
 * returns what is available now, possibly nothing.
 */
public interface SampleSource extends AutoCloseable {
    /**
     * Copies up to {@code max} samples into {@code gfn[0..n)} and {@code xwr[0..n)}
     * (bit0 read, bit1 write, bit2 execute).
     *
     * @return n, the number of samples copied; 0 when none are available right now
     */
    int poll(long[] gfn, byte[] xwr, int max) throws IOException;

    @Override
    void close() throws IOException;
}
