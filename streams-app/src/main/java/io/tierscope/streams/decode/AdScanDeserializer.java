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
            scan.setAccessed(ByteBuffer.wrap(ScanRuns.accessedBitmap(scan)));
            scan.setAccessedRuns(null);
        }
        if (scan.getDirtyRuns() != null) {
            scan.setDirty(ByteBuffer.wrap(ScanRuns.dirtyBitmap(scan)));
            scan.setDirtyRuns(null);
        }
        return scan;
    }

    @Override
    public void close() {
        avro.close();
    }
}
