package io.tierscope.streams.heat;

import io.tierscope.analytics.heat.SampledPeriod;
import io.tierscope.streams.state.SnapshotOnCommitStore;
import java.nio.ByteBuffer;

/**
 * How a VM's open sampling period ({@link SampledPeriod}) is stored in {@link HeatStores#SAMPLE_PERIODS} and its
 * changelog. Format 2: version byte 2, the period's index (8 bytes), the entry count n (4), n entries
 * ({@code gfn << 1 | written}, 8 bytes each, ascending), then n sample counts (4 bytes each); big-endian. Format 1
 * (distinct entries only, no counts) still restores, one sample an entry.
 */
final class SamplePeriodCodec implements SnapshotOnCommitStore.Codec<SampledPeriod> {
    private static final byte VERSION_DISTINCT = 1;
    private static final byte VERSION = 2;

    private final int chunkPages;

    SamplePeriodCodec(int chunkPages) {
        this.chunkPages = chunkPages;
    }

    @Override
    public byte[] encode(SampledPeriod period) {
        int n = period.distinctEntries();
        ByteBuffer out = ByteBuffer.allocate(1 + 8 + 4 + 12 * n);
        out.put(VERSION).putLong(period.index()).putInt(n);
        for (int i = 0; i < n; i++) {
            out.putLong(period.entry(i));
        }
        for (int i = 0; i < n; i++) {
            out.putInt(period.samplesOf(i));
        }
        return out.array();
    }

    /** @throws IllegalStateException when the bytes are no open period of a known format */
    @Override
    public SampledPeriod decode(String vm, byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        byte version = bytes.length < 13 ? 0 : in.get();
        if (version != VERSION && version != VERSION_DISTINCT) {
            throw new IllegalStateException("open sample period of VM " + vm + " in the store is unreadable (" + bytes.length + " bytes)");
        }
        long index = in.getLong();
        int n = in.getInt();
        int perEntry = version == VERSION ? 12 : 8;
        if (n < 0 || in.remaining() != (long) perEntry * n) {
            throw new IllegalStateException("open sample period of VM " + vm + " claims " + n + " pages in " + bytes.length + " bytes");
        }
        long[] entries = new long[n];
        for (int i = 0; i < n; i++) {
            entries[i] = in.getLong();
        }
        int[] counts = new int[n];
        for (int i = 0; i < n; i++) {
            counts[i] = version == VERSION ? in.getInt() : 1; // format 1 kept distinct entries only
        }
        try {
            return SampledPeriod.restore(index, chunkPages, entries, counts);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("open sample period of VM " + vm + " in the store is unreadable: " + e.getMessage(), e);
        }
    }
}
