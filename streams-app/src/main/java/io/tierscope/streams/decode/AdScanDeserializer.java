package io.tierscope.streams.decode;

import io.tierscope.avro.AdScan;
import io.tierscope.schemas.ScanRuns;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads an {@link AdScan} and turns bits sent as runs ({@code accessedRuns}, {@code dirtyRuns},
 * see {@link ScanRuns}) back into the bitmaps, so that everything after the decoder sees one form.
 * Runs that are malformed or reach past the chunk fail the decode (the record is dead-lettered with
 * the reason); a scan that carries both a bitmap and runs for the same bits is refused likewise.
 */
public final class AdScanDeserializer implements Deserializer<AdScan> {
    private final Deserializer<AdScan> avro;

    public AdScanDeserializer(Deserializer<AdScan> avro) {
        this.avro = avro;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        avro.configure(configs, isKey);
    }

    @Override
    public AdScan deserialize(String topic, byte[] data) {
        AdScan scan = avro.deserialize(topic, data);
        return scan == null ? null : withBitmaps(scan);
    }

    /** The scan with its runs expanded into bitmaps (the same object, changed in place). */
    public static AdScan withBitmaps(AdScan scan) {
        if (scan.getAccessedRuns() != null) {
            if (scan.getAccessed().hasRemaining()) {
                throw new IllegalArgumentException("scan carries both an accessed bitmap and accessedRuns");
            }
            scan.setAccessed(ByteBuffer.wrap(expand(scan.getAccessedRuns(), scan.getPageCount(), "accessedRuns")));
            scan.setAccessedRuns(null);
        }
        if (scan.getDirtyRuns() != null) {
            if (scan.getDirty() != null) {
                throw new IllegalArgumentException("scan carries both a dirty bitmap and dirtyRuns");
            }
            scan.setDirty(ByteBuffer.wrap(expand(scan.getDirtyRuns(), scan.getPageCount(), "dirtyRuns")));
            scan.setDirtyRuns(null);
        }
        return scan;
    }

    private static byte[] expand(ByteBuffer runs, int pageCount, String field) {
        if (pageCount <= 0) {
            throw new IllegalArgumentException(field + " with pageCount " + pageCount);
        }
        byte[] bytes = new byte[runs.remaining()];
        runs.duplicate().get(bytes);
        try {
            return ScanRuns.decode(bytes, pageCount);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        avro.close();
    }
}
