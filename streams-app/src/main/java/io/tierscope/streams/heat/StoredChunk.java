package io.tierscope.streams.heat;

import io.tierscope.analytics.heat.ChunkHeat;
import io.tierscope.analytics.heat.GapPolicy;
import io.tierscope.analytics.heat.HeatBitmaps;
import io.tierscope.analytics.heat.SampledCounts;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * What the "heat-chunks" store keeps per (VM, chunk): the {@link ChunkHeat} snapshot plus the
 * bookkeeping that must survive a crash with it (one value, so one store write per applied scan
 * keeps them consistent): the event time of the last applied scan (chunk TTL, PAGE_HEAT.timeMs),
 * whether the states changed since the chunk was last published, and the pages touched and
 * written during the window {@link #windowStartMs} (the summary's touched/written counts).
 *
 * <p>Read from the store with {@link #serde}, the {@link ChunkHeat} is restored on first use of
 * {@link #heat()}: a scan over a VM's chunks for their keys or bookkeeping only does not unpack states.
 *
 * <p>Sample-driven heat also keeps each page's sampled access counts ({@link SampledCounts}, two bytes
 * a page): format 2 holds them after the window bitmaps; a chunk without them (scan-driven heat) is
 * written in format 1, unchanged, and format 1 restores without them.
 */
final class StoredChunk {
    private static final byte VERSION_WITHOUT_COUNTS = 1;
    private static final byte VERSION = 2;
    private static final int HEADER = 1 + 1 + 8 + 8 + 4;

    private ChunkHeat heat;
    /** The heat's snapshot as read, until {@link #heat()} restores it (then null). */
    private byte[] heatSnapshot;
    private GapPolicy gapPolicy;
    private String key;
    private int storedBytes;
    long lastScanTimeMs;
    long windowStartMs;
    boolean unpublished;
    byte[] touched;
    byte[] written;
    /** Per page the sampled access counts (sample-driven heat), or null (scan-driven heat, or none yet). */
    char[] sampledCounts;

    StoredChunk(ChunkHeat heat, long lastScanTimeMs, long windowStartMs, boolean unpublished) {
        this.heat = heat;
        this.lastScanTimeMs = lastScanTimeMs;
        this.windowStartMs = windowStartMs;
        this.unpublished = unpublished;
        this.touched = new byte[HeatBitmaps.bytesFor(heat.pageCount())];
        this.written = new byte[touched.length];
    }

    private StoredChunk(String key, int storedBytes, byte[] heatSnapshot, GapPolicy gapPolicy, long lastScanTimeMs, long windowStartMs,
                        boolean unpublished, byte[] touched, byte[] written, char[] sampledCounts) {
        this.key = key;
        this.storedBytes = storedBytes;
        this.heatSnapshot = heatSnapshot;
        this.gapPolicy = gapPolicy;
        this.lastScanTimeMs = lastScanTimeMs;
        this.windowStartMs = windowStartMs;
        this.unpublished = unpublished;
        this.touched = touched;
        this.written = written;
        this.sampledCounts = sampledCounts;
    }

    /** The chunk's heat states, restored from the stored snapshot on first use. */
    ChunkHeat heat() {
        if (heat == null) {
            try {
                heat = ChunkHeat.restore(heatSnapshot, gapPolicy);
            } catch (IllegalArgumentException e) {
                throw unreadable(key, storedBytes, e);
            }
            if (sampledCounts != null && sampledCounts.length != heat.pageCount()) {
                throw new IllegalStateException("heat chunk " + key + " has sampled counts of " + sampledCounts.length
                        + " pages for " + heat.pageCount() + " pages");
            }
            if (touched.length != HeatBitmaps.bytesFor(heat.pageCount())) {
                throw new IllegalStateException("heat chunk " + key + " has window bitmaps of " + touched.length
                        + " bytes for " + heat.pageCount() + " pages");
            }
            heatSnapshot = null;
        }
        return heat;
    }

    /** Grows or shrinks the chunk and its window bitmaps (pages past a new end are forgotten). */
    void resize(int pages) {
        heat().resize(pages);
        touched = resized(touched, pages);
        written = resized(written, pages);
        if (sampledCounts != null) {
            sampledCounts = Arrays.copyOf(sampledCounts, pages);
        }
        unpublished = true;
    }

    private static byte[] resized(byte[] bitmap, int pages) {
        byte[] out = Arrays.copyOf(bitmap, HeatBitmaps.bytesFor(pages));
        if ((pages & 7) != 0) {
            out[out.length - 1] &= (byte) ((1 << (pages & 7)) - 1);
        }
        return out;
    }

    /** Starts a new window's touched/written bitmaps. */
    void startWindow(long windowStart) {
        windowStartMs = windowStart;
        Arrays.fill(touched, (byte) 0);
        Arrays.fill(written, (byte) 0);
    }

    /** Adds a scan's bitmaps (same page count) to the window's. */
    void addToWindow(byte[] accessed, byte[] dirty) {
        for (int i = 0; i < touched.length; i++) {
            touched[i] |= accessed[i];
        }
        if (dirty != null) {
            for (int i = 0; i < written.length; i++) {
                written[i] |= dirty[i];
            }
        }
    }

    byte[] toBytes() {
        byte[] snapshot = heat == null ? heatSnapshot : heat.snapshot();
        int countBytes = sampledCounts == null ? 0 : 4 + 2 * sampledCounts.length;
        ByteBuffer out = ByteBuffer.allocate(HEADER + 2 * touched.length + countBytes + snapshot.length);
        out.put(sampledCounts == null ? VERSION_WITHOUT_COUNTS : VERSION).put((byte) (unpublished ? 1 : 0))
                .putLong(lastScanTimeMs).putLong(windowStartMs).putInt(touched.length).put(touched).put(written);
        if (sampledCounts != null) {
            out.putInt(sampledCounts.length);
            for (char c : sampledCounts) {
                out.putChar(c);
            }
        }
        out.put(snapshot);
        return out.array();
    }

    /** The store's serde; {@code key} in messages is the changelog topic (a deserializer is not told the key). */
    static Serde<StoredChunk> serde(GapPolicy gapPolicy) {
        return Serdes.serdeFrom((topic, chunk) -> chunk == null ? null : chunk.toBytes(),
                (topic, bytes) -> bytes == null ? null : read("in " + topic, bytes, gapPolicy));
    }

    /**
     * @throws IllegalStateException when the bytes are not a stored chunk of this version (a
     *                               corrupt store: restoring from the changelog is the remedy)
     */
    static StoredChunk fromBytes(String key, byte[] bytes, GapPolicy gapPolicy) {
        StoredChunk chunk = read(key, bytes, gapPolicy);
        chunk.heat();
        return chunk;
    }

    private static StoredChunk read(String key, byte[] bytes, GapPolicy gapPolicy) {
        try {
            ByteBuffer in = ByteBuffer.wrap(bytes);
            byte version = in.get();
            if (version != VERSION && version != VERSION_WITHOUT_COUNTS) {
                throw new IllegalStateException("heat chunk " + key + " has store format " + version + ", this build reads "
                        + VERSION_WITHOUT_COUNTS + " and " + VERSION);
            }
            boolean unpublished = in.get() != 0;
            long lastScan = in.getLong();
            long window = in.getLong();
            byte[] touched = new byte[in.getInt()];
            byte[] written = new byte[touched.length];
            in.get(touched).get(written);
            char[] counts = null;
            if (version == VERSION) {
                counts = new char[in.getInt()];
                for (int i = 0; i < counts.length; i++) {
                    counts[i] = in.getChar();
                }
            }
            byte[] snapshot = new byte[in.remaining()];
            in.get(snapshot);
            return new StoredChunk(key, bytes.length, snapshot, gapPolicy, lastScan, window, unpublished, touched, written, counts);
        } catch (java.nio.BufferUnderflowException | NegativeArraySizeException | IllegalArgumentException e) {
            throw unreadable(key, bytes.length, e);
        }
    }

    private static IllegalStateException unreadable(String key, int length, RuntimeException e) {
        return new IllegalStateException("heat chunk " + key + " in the store is unreadable (" + length
                + " bytes): " + e.getMessage(), e);
    }
}
