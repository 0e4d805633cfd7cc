package io.tierscope.streams.heat;

import io.tierscope.analytics.heat.SampledPeriod;
import java.nio.ByteBuffer;

/**
 * The open sampling period of one VM when samples drive heat, as the "heat-sample-periods" store
 * keeps it: the period's index and its distinct sampled pages ({@link SampledPeriod#entries}, each
 * {@code gfn << 1 | written}, sorted). When the period closes they become each chunk's accessed and
 * dirty bitmaps for that period (US 9,063,866 B1 runs its FSM on one bit per page per period; a
 * sampled page counts as accessed, a sample with the write bit as written, kvm-ept-sample's xwr
 * layout); {@link SampledPeriod} does that, as it does for the simulator.
 */
final class SamplePeriod {
    private static final byte VERSION = 1;
    /** The entries carry no chunk size; bitmaps are cut with the caller's. */
    private static final int ANY_CHUNK = 1;

    final long index;
    private final long[] pages;
    /** The pages cut into chunks of the size last asked for (one per period close, not one per chunk). */
    private SampledPeriod chunked;

    private SamplePeriod(long index, long[] pages) {
        this.index = index;
        this.pages = pages;
    }

    static SamplePeriod empty(long index) {
        return new SamplePeriod(index, new long[0]);
    }

    /** This period with the samples of {@code batch} (packed, SampleCodec layout) added. */
    SamplePeriod with(ByteBuffer packedSamples, int count) {
        SampledPeriod period = SampledPeriod.ofEntries(ANY_CHUNK, pages);
        period.addPacked(packedSamples, count);
        return new SamplePeriod(index, period.entries());
    }

    /**
     * Accessed (row 0) and dirty (row 1) bitmaps of chunk {@code chunkIndex} for this period,
     * {@code chunkPages} pages each; all zero when nothing was sampled there.
     */
    byte[][] bitmaps(long chunkIndex, int chunkPages) {
        return chunked(chunkPages).bitmaps(chunkIndex);
    }

    /** Chunk indexes with at least one sampled page, ascending. */
    long[] sampledChunks(int chunkPages) {
        return chunked(chunkPages).sampledChunks();
    }

    private SampledPeriod chunked(int chunkPages) {
        if (chunked == null || chunked.pagesIn(0) != chunkPages) {
            chunked = SampledPeriod.ofEntries(chunkPages, pages);
        }
        return chunked;
    }

    byte[] toBytes() {
        ByteBuffer out = ByteBuffer.allocate(1 + 8 + 4 + 8 * pages.length);
        out.put(VERSION).putLong(index).putInt(pages.length);
        for (long p : pages) {
            out.putLong(p);
        }
        return out.array();
    }

    static SamplePeriod fromBytes(String vm, byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (bytes.length < 13 || in.get() != VERSION) {
            throw new IllegalStateException("open sample period of VM " + vm + " in the store is unreadable (" + bytes.length + " bytes)");
        }
        long index = in.getLong();
        int n = in.getInt();
        if (n < 0 || in.remaining() != 8L * n) {
            throw new IllegalStateException("open sample period of VM " + vm + " claims " + n + " pages in " + bytes.length + " bytes");
        }
        long[] pages = new long[n];
        for (int i = 0; i < n; i++) {
            pages[i] = in.getLong();
        }
        return new SamplePeriod(index, pages);
    }
}
