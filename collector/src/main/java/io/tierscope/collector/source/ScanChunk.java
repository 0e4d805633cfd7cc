package io.tierscope.collector.source;

import io.tierscope.avro.ScanSource;

/**
 * One chunk of one scan, shaped like the AdScan record: bitmaps are LSB first, bit (i % 8) of
 * byte (i / 8) is page {@code baseGfn + i}, {@code ceil(pageCount / 8)} bytes.
 *
 * @param kind     how the bits were read
 * @param scanSeq  scan number of the source; the same for every chunk of one scan
 * @param timeMs   end of the scan period (epoch millis)
 * @param periodMs length of the period the bits cover
 * @param dirty    dirty bitmap, or null when the source does not read D bits
 */
public record ScanChunk(ScanSource kind, long scanSeq, long timeMs, int periodMs, long baseGfn, int pageCount,
                        byte[] accessed, byte[] dirty) {
    public ScanChunk {
        int bytes = (pageCount + 7) >>> 3;
        if (pageCount <= 0 || accessed.length != bytes || (dirty != null && dirty.length != bytes)) {
            throw new IllegalArgumentException("chunk at gfn " + baseGfn + ": " + pageCount + " pages need "
                    + bytes + "-byte bitmaps, got accessed " + accessed.length + " bytes, dirty "
                    + (dirty == null ? "null" : dirty.length + " bytes"));
        }
    }

    public boolean accessed(int page) {
        return (accessed[page >>> 3] & (1 << (page & 7))) != 0;
    }

    public boolean dirty(int page) {
        return dirty != null && (dirty[page >>> 3] & (1 << (page & 7))) != 0;
    }
}
