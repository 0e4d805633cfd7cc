package io.tierscope.query;

import io.tierscope.analytics.heat.ChunkHeat;
import io.tierscope.analytics.heat.HeatTable;
import java.nio.ByteBuffer;

/**
 * A chunk's access intensity at one moment, coarse enough to keep a history of: the chunk's pages
 * in {@link #BUCKETS} equal address ranges, each the mean heat rank of its pages scaled to 0..255
 * (0: every page coldest, 255: every page hottest). Layout: baseGfn (long), pageCount (int),
 * bucket count (int), one byte per bucket.
 */
public final class HeatProfile {
    public static final int BUCKETS = 64;

    private final long baseGfn;
    private final int pageCount;
    private final byte[] buckets;

    private HeatProfile(long baseGfn, int pageCount, byte[] buckets) {
        this.baseGfn = baseGfn;
        this.pageCount = pageCount;
        this.buckets = buckets;
    }

    static byte[] of(ChunkHeat chunk) {
        HeatTable table = chunk.table();
        int pages = chunk.pageCount();
        int n = Math.max(1, Math.min(BUCKETS, pages));
        double top = Math.max(1, table.rankCount() - 1);
        byte[] states = chunk.accessStates();
        ByteBuffer out = ByteBuffer.allocate(16 + n);
        out.putLong(chunk.baseGfn()).putInt(pages).putInt(n);
        for (int b = 0; b < n; b++) {
            int from = (int) ((long) b * pages / n);
            int to = (int) ((long) (b + 1) * pages / n);
            long sum = 0;
            for (int p = from; p < to; p++) {
                sum += table.rank(states[p] & 0xFF);
            }
            double mean = to > from ? sum / (double) (to - from) / top : 0;
            out.put((byte) Math.round(mean * 255));
        }
        return out.array();
    }

    /** @throws IllegalArgumentException when the bytes are not a profile */
    public static HeatProfile decode(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        if (bytes.length < 16) {
            throw new IllegalArgumentException("heat profile of " + bytes.length + " bytes is truncated");
        }
        long base = in.getLong();
        int pages = in.getInt();
        int n = in.getInt();
        if (n < 1 || in.remaining() != n) {
            throw new IllegalArgumentException("heat profile says " + n + " buckets but holds " + in.remaining());
        }
        byte[] buckets = new byte[n];
        in.get(buckets);
        return new HeatProfile(base, pages, buckets);
    }

    public long baseGfn() {
        return baseGfn;
    }

    public int pageCount() {
        return pageCount;
    }

    public int bucketCount() {
        return buckets.length;
    }

    /** First gfn of bucket {@code b}. */
    public long bucketStartGfn(int b) {
        return baseGfn + (long) b * pageCount / buckets.length;
    }

    /** Mean heat of bucket {@code b}, 0 (coldest) to 1 (hottest). */
    public double intensity(int b) {
        return (buckets[b] & 0xFF) / 255.0;
    }

}
