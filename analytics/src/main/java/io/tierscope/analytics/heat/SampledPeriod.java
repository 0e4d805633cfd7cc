package io.tierscope.analytics.heat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Sample-driven heat: the pages sampled during one period of one VM form that period's accessed
 * bitmap (any sample) and dirty bitmap (samples with the write bit), per chunk, ready for
 * {@link ChunkHeat#apply}. Every chunk should be stepped every period, also those without samples
 * ({@link #accessed} then gives an all-zero bitmap): unsampled means idle for this period. The
 * simulator and the streams app's sample-driven heat (which stores {@link #entries} between
 * batches) both use it.
 *
 * <p>xwr bits as kvm-ept-sample reports them and {@code SampleCodec} packs them ({@code gfn << 3 |
 * xwr}): bit0 read, bit1 write, bit2 execute. A sample whose xwr is 0 still counts as an access
 * (the page was touched; the kind is unknown). Held as the distinct sampled pages, each
 * {@code gfn << 1 | written}, sorted (lazily): memory follows the pages sampled, not the VM's size.
 */
public final class SampledPeriod {
    public static final int WRITE = 2;

    private final int chunkPages;
    private final long vmPages;
    private long[] entries;
    private int size;
    private boolean sorted = true;
    private long samples;
    /**
     * For a VM of known size, samples set bits here ({@code gfn << 1 | written}) and the entries are
     * read off in order when needed: no sort, and repeats cost nothing (a period may hold millions).
     */
    private long[] seen;

    /**
     * @param chunkPages pages per chunk as the topology splits the VM (the last chunk may be shorter)
     * @param vmPages    pages of the VM; samples at or past this gfn are rejected
     */
    public SampledPeriod(int chunkPages, long vmPages) {
        this(chunkPages, vmPages, new long[0], 0);
        long chunks = (vmPages + chunkPages - 1) / chunkPages;
        if (chunks > Integer.MAX_VALUE - 8 || vmPages > (long) Integer.MAX_VALUE * 32) {
            throw new IllegalArgumentException(vmPages + " pages in chunks of " + chunkPages + " are too many");
        }
        this.seen = new long[(int) ((2 * vmPages + 63) / 64)];
    }

    private SampledPeriod(int chunkPages, long vmPages, long[] entries, int size) {
        if (chunkPages <= 0) {
            throw new IllegalArgumentException("chunkPages must be > 0, got " + chunkPages);
        }
        if (vmPages < 0) {
            throw new IllegalArgumentException("vmPages must be >= 0, got " + vmPages);
        }
        this.chunkPages = chunkPages;
        this.vmPages = vmPages;
        this.entries = entries;
        this.size = size;
    }

    /** A period of a VM whose size is not known (every gfn the sample layout carries is accepted; chunks are full). */
    public static SampledPeriod unbounded(int chunkPages) {
        return new SampledPeriod(chunkPages, Long.MAX_VALUE, new long[16], 0);
    }

    /**
     * The period whose {@link #entries} these are (as stored).
     *
     * @throws IllegalArgumentException when they are not sorted and distinct
     */
    public static SampledPeriod ofEntries(int chunkPages, long[] entries) {
        for (int i = 1; i < entries.length; i++) {
            if (entries[i - 1] >= entries[i]) {
                throw new IllegalArgumentException("sampled page entries must be sorted and distinct, entry " + i + " is not");
            }
        }
        return new SampledPeriod(chunkPages, Long.MAX_VALUE, entries.clone(), entries.length);
    }

    /** Records one sample. */
    public void add(long gfn, int xwr) {
        if (gfn < 0 || gfn >= vmPages) {
            throw new IllegalArgumentException("sample gfn " + gfn + " (xwr " + xwr + ") is outside the VM's "
                    + vmPages + " pages");
        }
        long entry = gfn << 1 | ((xwr & WRITE) != 0 ? 1 : 0);
        samples++;
        if (seen != null) {
            if ((seen[(int) (entry >>> 6)] & 1L << entry) == 0) {
                seen[(int) (entry >>> 6)] |= 1L << entry;
                sorted = false;
            }
            return;
        }
        if (size == entries.length) {
            if (size >= 1 << 16) {
                normalize(); // past 64 Ki entries, repeats go first: the array grows with distinct pages
            }
            if (size >= entries.length / 2) {
                entries = Arrays.copyOf(entries, Math.max(16, entries.length * 2));
            }
        }
        if (size > 0 && entries[size - 1] >= entry) {
            sorted = false;
        }
        entries[size++] = entry;
    }

    /** Records {@code count} samples from parallel arrays. */
    public void addAll(long[] gfns, byte[] xwrs, int count) {
        if (count < 0 || count > gfns.length || count > xwrs.length) {
            throw new IllegalArgumentException("count " + count + " does not fit arrays of " + gfns.length
                    + " gfns and " + xwrs.length + " xwrs");
        }
        for (int i = 0; i < count; i++) {
            addAt(i, gfns[i], xwrs[i]);
        }
    }

    /** Records {@code count} samples packed as {@code gfn << 3 | xwr} (the SampleCodec layout). */
    public void addPacked(long[] packed, int count) {
        if (count < 0 || count > packed.length) {
            throw new IllegalArgumentException("count " + count + " does not fit " + packed.length + " packed samples");
        }
        for (int i = 0; i < count; i++) {
            addAt(i, packed[i] >>> 3, (int) (packed[i] & 7));
        }
    }

    /** Records {@code count} samples packed as little-endian longs (a SampleBatch's samples field). */
    public void addPacked(ByteBuffer packedLittleEndian, int count) {
        ByteBuffer in = packedLittleEndian.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (count < 0 || (long) count * 8 > in.remaining()) {
            throw new IllegalArgumentException("count " + count + " does not fit " + in.remaining() + " bytes of packed samples");
        }
        for (int i = 0; i < count; i++) {
            long packed = in.getLong();
            addAt(i, packed >>> 3, (int) (packed & 7));
        }
    }

    private void addAt(int index, long gfn, int xwr) {
        try {
            add(gfn, xwr);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("sample " + index + ": " + e.getMessage(), e);
        }
    }

    /** Chunks of the VM (ceil(vmPages / chunkPages)); only for a period of a VM of known size. */
    public int chunkCount() {
        if (vmPages == Long.MAX_VALUE) {
            throw new IllegalStateException("a period of a VM of unknown size has no chunk count");
        }
        return (int) ((vmPages + chunkPages - 1) / chunkPages);
    }

    /** Pages in chunk {@code chunkIndex}: chunkPages, or fewer for the last chunk. */
    public int pagesIn(long chunkIndex) {
        return (int) Math.min(chunkPages, vmPages - chunkIndex * chunkPages);
    }

    /** First gfn of chunk {@code chunkIndex}. */
    public long baseGfn(long chunkIndex) {
        return chunkIndex * chunkPages;
    }

    /** Whether any sample fell into the chunk this period. */
    public boolean sampled(long chunkIndex) {
        normalize();
        int at = lowerBound(baseGfn(chunkIndex) << 1);
        return at < size && (entries[at] >>> 1) < baseGfn(chunkIndex) + pagesIn(chunkIndex);
    }

    /** Accessed bitmap of the chunk for this period (all zero when nothing was sampled there). */
    public byte[] accessed(long chunkIndex) {
        return bitmap(chunkIndex, false);
    }

    /**
     * Dirty bitmap of the chunk for this period: all zero when no write was sampled there. Sampling
     * without write protection (xwr mask without w) never sees writes; pass null to
     * {@link ChunkHeat#apply} then instead of this.
     */
    public byte[] dirty(long chunkIndex) {
        return bitmap(chunkIndex, true);
    }

    /** Accessed (row 0) and dirty (row 1) bitmaps of chunk {@code chunkIndex} for this period; all zero when unsampled. */
    public byte[][] bitmaps(long chunkIndex) {
        return new byte[][] {bitmap(chunkIndex, false), bitmap(chunkIndex, true)};
    }

    private byte[] bitmap(long chunkIndex, boolean written) {
        normalize();
        int pages = pagesIn(chunkIndex);
        byte[] out = new byte[HeatBitmaps.bytesFor(pages)];
        long first = baseGfn(chunkIndex);
        for (int i = lowerBound(first << 1); i < size && (entries[i] >>> 1) < first + pages; i++) {
            if (!written || (entries[i] & 1) != 0) {
                HeatBitmaps.set(out, (int) ((entries[i] >>> 1) - first));
            }
        }
        return out;
    }

    /** Chunk indexes with at least one sampled page, ascending. */
    public long[] sampledChunks() {
        normalize();
        long[] out = new long[size];
        int n = 0;
        for (int i = 0; i < size; i++) {
            long chunk = (entries[i] >>> 1) / chunkPages;
            if (n == 0 || out[n - 1] != chunk) {
                out[n++] = chunk;
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** Distinct sampled pages, as {@code gfn << 1 | written}, sorted: what a store keeps of the period. */
    public long[] entries() {
        normalize();
        return Arrays.copyOf(entries, size);
    }

    /** Distinct (page, written) entries so far. */
    public int distinctEntries() {
        normalize();
        return size;
    }

    /** Samples recorded so far (by this instance). */
    public long sampleCount() {
        return samples;
    }

    /** Sorts the entries and drops repeats. */
    private void normalize() {
        if (sorted) {
            return;
        }
        sorted = true;
        if (seen != null) {
            size = 0;
            for (int w = 0; w < seen.length; w++) {
                for (long bits = seen[w]; bits != 0; bits &= bits - 1) {
                    if (size == entries.length) {
                        entries = Arrays.copyOf(entries, Math.max(16, entries.length * 2));
                    }
                    entries[size++] = (long) w << 6 | Long.numberOfTrailingZeros(bits);
                }
            }
            return;
        }
        Arrays.sort(entries, 0, size);
        int distinct = 0;
        for (int i = 0; i < size; i++) {
            if (distinct == 0 || entries[distinct - 1] != entries[i]) {
                entries[distinct++] = entries[i];
            }
        }
        size = distinct;
        sorted = true;
    }

    private int lowerBound(long key) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (entries[mid] < key) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
