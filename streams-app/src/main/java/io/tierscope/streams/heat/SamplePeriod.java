package io.tierscope.streams.heat;

import io.tierscope.analytics.heat.HeatBitmaps;
import io.tierscope.schemas.SampleCodec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The open sampling period of one VM when samples drive heat ("heat-sample-periods" store): the
 * distinct pages sampled so far, each as {@code gfn << 1 | written}, sorted, with how many samples
 * each had. When the period closes they become each chunk's accessed and dirty bitmaps for that
 * period (US 9,063,866 B1 runs its FSM on one bit per page per period; a sampled page counts as
 * accessed, a sample with the write bit as written, kvm-ept-sample's xwr layout) and its sampled
 * access counts per page ({@link io.tierscope.analytics.heat.SampledCounts}).
 *
 * <p>Store format 2 adds the counts; format 1 (distinct entries only) still restores, one sample each.
 */
final class SamplePeriod {
    private static final byte VERSION_DISTINCT = 1;
    private static final byte VERSION = 2;

    final long index;
    private final long[] pages;
    /** Samples per entry of {@link #pages}, saturating at Integer.MAX_VALUE. */
    private final int[] counts;

    private SamplePeriod(long index, long[] pages, int[] counts) {
        this.index = index;
        this.pages = pages;
        this.counts = counts;
    }

    static SamplePeriod empty(long index) {
        return new SamplePeriod(index, new long[0], new int[0]);
    }

    /** This period with the samples of {@code batch} (packed, SampleCodec layout) added. */
    SamplePeriod with(ByteBuffer packedSamples, int count) {
        ByteBuffer in = packedSamples.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long[] added = new long[count];
        for (int i = 0; i < count; i++) {
            long packed = in.getLong();
            int written = (SampleCodec.xwr(packed) & SampleCodec.WRITE) != 0 ? 1 : 0;
            added[i] = SampleCodec.gfn(packed) << 1 | written;
        }
        Arrays.sort(added);
        // Merge two sorted lists, adding the counts of equal entries.
        long[] merged = new long[pages.length + count];
        int[] mergedCounts = new int[merged.length];
        int n = 0;
        int i = 0;
        int j = 0;
        while (i < pages.length || j < count) {
            long entry;
            int c;
            if (j == count || (i < pages.length && pages[i] <= added[j])) {
                entry = pages[i];
                c = counts[i++];
            } else {
                entry = added[j++];
                c = 1;
            }
            if (n > 0 && merged[n - 1] == entry) {
                mergedCounts[n - 1] = (int) Math.min(Integer.MAX_VALUE, (long) mergedCounts[n - 1] + c);
            } else {
                merged[n] = entry;
                mergedCounts[n++] = c;
            }
        }
        return new SamplePeriod(index, Arrays.copyOf(merged, n), Arrays.copyOf(mergedCounts, n));
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

    /**
     * Samples per page of chunk {@code chunkIndex} in this period (reads and writes together),
     * {@code chunkPages} pages; null when nothing was sampled there.
     */
    int[] counts(long chunkIndex, int chunkPages) {
        long first = chunkIndex * chunkPages;
        int at = lowerBound(first << 1);
        if (at == pages.length || (pages[at] >>> 1) >= first + chunkPages) {
            return null;
        }
        int[] out = new int[chunkPages];
        for (int i = at; i < pages.length && (pages[i] >>> 1) < first + chunkPages; i++) {
            int page = (int) ((pages[i] >>> 1) - first);
            out[page] = (int) Math.min(Integer.MAX_VALUE, (long) out[page] + counts[i]);
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
        ByteBuffer out = ByteBuffer.allocate(1 + 8 + 4 + 12 * pages.length);
        out.put(VERSION).putLong(index).putInt(pages.length);
        for (long p : pages) {
            out.putLong(p);
        }
        for (int c : counts) {
            out.putInt(c);
        }
        return out.array();
    }

    static SamplePeriod fromBytes(String vm, byte[] bytes) {
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
        long[] pages = new long[n];
        for (int i = 0; i < n; i++) {
            pages[i] = in.getLong();
        }
        int[] counts = new int[n];
        for (int i = 0; i < n; i++) {
            counts[i] = version == VERSION ? in.getInt() : 1; // format 1 kept distinct pages only
        }
        return new SamplePeriod(index, pages, counts);
    }
}
