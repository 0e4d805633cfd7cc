package io.tierscope.streams.heat;

import io.tierscope.analytics.heat.HeatBitmaps;
import io.tierscope.analytics.heat.InvalidBitmapException;
import io.tierscope.avro.AdScan;
import io.tierscope.streams.decode.InputChecks;
import io.tierscope.streams.decode.Validator;
import java.nio.ByteBuffer;

/**
 * What an A/D scan must satisfy for the heat topology, checked in the decoder so that a rejected
 * scan reaches the dead-letter topic byte for byte: {@link InputChecks#adScan}, plus
 * bitmaps without bits past the page count (the
 * {@link InvalidBitmapException} text), and a base gfn on a heat chunk boundary (each chunk is
 * then driven by exactly one scan range, whose sequence numbers it can judge).
 */
public final class HeatScanChecks implements Validator<AdScan> {
    private final int chunkPages;

    public HeatScanChecks(int chunkPages) {
        this.chunkPages = chunkPages;
    }

    @Override
    public String problemWith(String key, AdScan scan) {
        String basic = InputChecks.adScan(key, scan);
        if (basic != null) {
            return basic;
        }
        if (scan.getBaseGfn() % chunkPages != 0) {
            return "scan at baseGfn " + scan.getBaseGfn() + " does not start on a heat chunk boundary ("
                    + HeatConfig.HEAT_CHUNK_PAGES + "=" + chunkPages + "): let the collector cut scans at multiples of "
                    + chunkPages + " pages, or lower " + HeatConfig.HEAT_CHUNK_PAGES + " to a divisor of its chunk size";
        }
        String where = "of VM " + scan.getVmId() + " at gfn " + scan.getBaseGfn() + " (scan " + scan.getScanSeq() + ")";
        try {
            HeatBitmaps.requireValid("accessed bitmap " + where, bytes(scan.getAccessed()), scan.getPageCount());
            if (scan.getDirty() != null) {
                HeatBitmaps.requireValid("dirty bitmap " + where, bytes(scan.getDirty()), scan.getPageCount());
            }
        } catch (InvalidBitmapException e) {
            return e.getMessage();
        }
        return null;
    }

    /** The remaining bytes of an Avro bytes field, without moving its position. */
    static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
