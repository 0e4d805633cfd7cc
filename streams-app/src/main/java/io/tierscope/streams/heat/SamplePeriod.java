package io.tierscope.streams.heat;

import io.tierscope.analytics.heat.HeatBitmaps;
import io.tierscope.schemas.SampleCodec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The open sampling period of one VM when samples drive heat ("heat-sample-periods" store): the
 * distinct pages sampled so far, each as {@code gfn << 1 | written}, sorted. When the period
 * closes they become each chunk's accessed and dirty bitmaps for that period (US 9,063,866 B1
 * runs its FSM on one bit per page per period; a sampled page counts as accessed, a sample with
 * the write bit as written, kvm-ept-sample's xwr layout).
 */
final class SamplePeriod {
    private static final byte VERSION = 1;

    final long index;
    private final long[] pages;

    private SamplePeriod(long index, long[] pages) {
        this.index = index;
        this.pages = pages;
    }

    static SamplePeriod empty(long index) {
        return new SamplePeriod(index, new long[0]);
    }

    /** This period with the samples of {@code batch} (packed, SampleCodec layout) added. */
    SamplePeriod with(ByteBuffer packedSamples, int count) {
        ByteBuffer in = packedSamples.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long[] merged = Arrays.copyOf(pages, pages.length + count);
        for (int i = 0; i < count; i++) {
            long packed = in.getLong();
            int written = (SampleCodec.xwr(packed) & SampleCodec.WRITE) != 0 ? 1 : 0;
            merged[pages.length + i] = SampleCodec.gfn(packed) << 1 | written;
        }
        Arrays.sort(merged);
        int distinct = 0;
        for (int i = 0; i < merged.length; i++) {
            if (distinct == 0 || merged[distinct - 1] != merged[i]) {
                merged[distinct++] = merged[i];
            }
        }
        return new SamplePeriod(index, Arrays.copyOf(merged, distinct));
    }

    int distinctEntries() {
        return pages.length;
    }

    /**
     * Accessed (row 0) and dirty (row 1) bitmaps of chunk {@code chunkIndex} for this period,
     * {@code chunkPages} pages each; all zero when nothing was sampled there.
     */
    byte[][] bitmaps(long chunkIndex, int chunkPages) {
        byte[][] out = {new byte[HeatBitmaps.bytesFor(chunkPages)], new byte[HeatBitmaps.bytesFor(chunkPages)]};
        long first = chunkIndex * chunkPages;
        int at = lowerBound(first << 1);
        for (int i = at; i < pages.length && (pages[i] >>> 1) < first + chunkPages; i++) {
            int page = (int) ((pages[i] >>> 1) - first);
            HeatBitmaps.set(out[0], page);
            if ((pages[i] & 1) != 0) {
                HeatBitmaps.set(out[1], page);
            }
        }
        return out;
    }

    /** Chunk indexes with at least one sampled page, ascending. */
    long[] sampledChunks(int chunkPages) {
        long[] out = new long[pages.length];
        int n = 0;
        for (long entry : pages) {
            long chunk = (entry >>> 1) / chunkPages;
            if (n == 0 || out[n - 1] != chunk) {
                out[n++] = chunk;
            }
        }
        return Arrays.copyOf(out, n);
    }

    private int lowerBound(long key) {
        int lo = 0;
        int hi = pages.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (pages[mid] < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
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
