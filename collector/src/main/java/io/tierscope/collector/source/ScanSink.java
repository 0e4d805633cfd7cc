package io.tierscope.collector.source;

/**
 * Receives the bitmaps of one scan period, one gfn chunk at a time. Bitmaps use the AdScan
 * layout: LSB first, bit (i % 8) of byte (i / 8) is page baseGfn + i, ceil(pageCount / 8)
 * bytes. The arrays belong to the caller and may be reused after the call returns: a sink
 * that keeps them copies them.
 */
@FunctionalInterface
public interface ScanSink {

    /**
     * @param baseGfn   first guest frame number of the chunk
     * @param pageCount pages in the chunk
     * @param accessed  accessed bitmap of the chunk
     * @param dirty     dirty bitmap in the same layout, or null when the source reads no D bits
     */
    void chunk(long baseGfn, int pageCount, byte[] accessed, byte[] dirty);
}
