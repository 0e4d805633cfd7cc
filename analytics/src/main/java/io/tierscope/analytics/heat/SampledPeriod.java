package io.tierscope.analytics.heat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Sample-driven heat: the pages sampled during one period of one VM form that period's accessed
 * bitmap (any sample) and dirty bitmap (samples with the write bit), per chunk, ready for
 * {@link ChunkHeat#apply}, and its samples per page, for {@link SampledCounts}. Every chunk should be
 * stepped every period, also those without samples ({@link #accessed} then gives an all-zero bitmap):
 * unsampled means idle for this period (US 9,063,866 B1 runs its FSM on one bit per page per period).
 * The simulator and the streams app's sample-driven heat (which stores the open period) both use it.
 *
 * <p>xwr bits as kvm-ept-sample reports them and {@code SampleCodec} packs them: bit0 read,
 * bit1 write, bit2 execute. A sample whose xwr is 0 still counts as an access (the page was
 * touched; the kind is unknown).
 *
 * <p>Sparse: the distinct (page, written) pairs sampled, each as the entry {@code gfn << 1 | written}, in
 * ascending order, with how many samples each had (saturating at Integer.MAX_VALUE); memory follows the
 * samples, not the VM. A page sampled both without and with the write bit has two entries. New samples
 * are appended unsorted and merged in when they are as many as the merged entries (or when read), so a
 * sample costs amortized O(log n) however the period grows.
 */
public final class SampledPeriod {
    public static final int WRITE = 2;
    /** Pages of a VM whose size is not known: every gfn a packed sample can carry ({@code gfn << 3 | xwr}). */
    private static final long ANY_PAGES = 1L << 61;
    /** Appended samples below this many are not merged before a read (merging is a sort). */
    private static final int MIN_MERGE = 1024;

    private final long index;
    private final int chunkPages;
    private final long vmPages;
    /** Distinct entries ({@code gfn << 1 | written}), ascending, in [0, size). */
    private long[] entries;
    /** Samples per entry of {@link #entries}, saturating. */
    private int[] counts;
    private int size;
    /** Entries of samples added since the last merge, one sample each, unsorted, in [0, appended). */
    private long[] added;
    private int appended;
    private long samples;

    /**
     * @param chunkPages pages per chunk as the topology splits the VM (the last chunk may be shorter)
     * @param vmPages    pages of the VM; samples at or past this gfn are rejected
     */
    public SampledPeriod(int chunkPages, long vmPages) {
        this(0, chunkPages, vmPages, new long[0], new int[0]);
    }

    private SampledPeriod(long index, int chunkPages, long vmPages, long[] entries, int[] counts) {
        if (chunkPages <= 0) {
            throw new IllegalArgumentException("chunkPages must be > 0, got " + chunkPages);
        }
        if (vmPages < 0) {
            throw new IllegalArgumentException("vmPages must be >= 0, got " + vmPages);
        }
        this.index = index;
        this.chunkPages = chunkPages;
        this.vmPages = vmPages;
        this.entries = entries;
        this.counts = counts;
        this.size = entries.length;
        this.added = new long[0];
        for (int c : counts) {
            samples += c;
        }
    }

    /**
     * Period {@code index} of a VM whose size is not known (any gfn a sample can carry is accepted): every
     * chunk has {@code chunkPages} pages.
     */
    public static SampledPeriod open(long index, int chunkPages) {
        return new SampledPeriod(index, chunkPages, ANY_PAGES, new long[0], new int[0]);
    }

    /**
     * Period {@code index} as {@link #entry}/{@link #samplesOf} listed it (a stored period read back), of a VM whose
     * size is not known. The arrays are taken, not copied.
     *
     * @throws IllegalArgumentException when the entries are not ascending and distinct, name a page no sample can,
     *                                  or a count is not positive
     */
    public static SampledPeriod restore(long index, int chunkPages, long[] entries, int[] counts) {
        if (entries.length != counts.length) {
            throw new IllegalArgumentException(entries.length + " entries but " + counts.length + " counts");
        }
        for (int i = 0; i < entries.length; i++) {
            if (entries[i] < 0 || (i > 0 && entries[i] <= entries[i - 1]) || counts[i] <= 0) {
                throw new IllegalArgumentException("entry " + i + " (" + entries[i] + ", " + counts[i]
                        + " samples) is out of order, out of range or empty");
            }
        }
        return new SampledPeriod(index, chunkPages, ANY_PAGES, entries, counts);
    }

    /** Records one sample. */
    public void add(long gfn, int xwr) {
        if (gfn < 0 || gfn >= vmPages) {
            throw new IllegalArgumentException("sample gfn " + gfn + " (xwr " + xwr + ") is outside the VM's "
                    + vmPages + " pages");
        }
        if (appended == added.length) {
            if (appended >= Math.max(MIN_MERGE, size)) {
                merge();
            } else {
                added = Arrays.copyOf(added, Math.max(16, Math.min(2 * appended, Math.max(MIN_MERGE, size))));
            }
        }
        added[appended++] = gfn << 1 | ((xwr & WRITE) != 0 ? 1 : 0);
        samples++;
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

    /**
     * Records {@code count} samples packed as {@code gfn << 3 | xwr}, little-endian longs from the buffer's position
     * (a SampleCodec batch as it arrives); the buffer itself is not moved.
     */
    public void addPacked(ByteBuffer packed, int count) {
        if (count < 0 || count > packed.remaining() / Long.BYTES) {
            throw new IllegalArgumentException("count " + count + " does not fit " + packed.remaining() + " bytes");
        }
        ByteBuffer in = packed.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            long sample = in.getLong();
            addAt(i, sample >>> 3, (int) (sample & 7));
        }
    }

    private void addAt(int index, long gfn, int xwr) {
        try {
            add(gfn, xwr);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("sample " + index + ": " + e.getMessage(), e);
        }
    }

    /** Sorts the appended samples and merges them into the entries, adding the counts of equal entries. */
    private void merge() {
        if (appended == 0) {
            return;
        }
        Arrays.sort(added, 0, appended);
        long[] merged = new long[size + appended];
        int[] mergedCounts = new int[merged.length];
        int n = 0;
        int i = 0;
        int j = 0;
        while (i < size || j < appended) {
            long entry;
            int c;
            if (j == appended || (i < size && entries[i] <= added[j])) {
                entry = entries[i];
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
        entries = merged;
        counts = mergedCounts;
        size = n;
        appended = 0;
    }

    /** The period's number, as {@link #open} or {@link #restore} gave it (0 otherwise). */
    public long index() {
        return index;
    }

    /** Pages per chunk. */
    public int chunkPages() {
        return chunkPages;
    }

    /** Chunks of the VM (ceil(vmPages / chunkPages)). */
    public long chunkCount() {
        return (vmPages + chunkPages - 1) / chunkPages;
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
        merge();
        int at = firstEntryOf(chunkIndex);
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

    private byte[] bitmap(long chunkIndex, boolean writtenOnly) {
        merge();
        byte[] out = new byte[HeatBitmaps.bytesFor(pagesIn(chunkIndex))];
        long first = baseGfn(chunkIndex);
        long end = first + pagesIn(chunkIndex);
        for (int i = firstEntryOf(chunkIndex); i < size && (entries[i] >>> 1) < end; i++) {
            if (!writtenOnly || (entries[i] & 1) != 0) {
                HeatBitmaps.set(out, (int) ((entries[i] >>> 1) - first));
            }
        }
        return out;
    }

    /**
     * Samples per page of the chunk this period (reads and writes together, saturating), or null when
     * nothing was sampled there.
     */
    public int[] counts(long chunkIndex) {
        if (!sampled(chunkIndex)) {
            return null;
        }
        int[] out = new int[pagesIn(chunkIndex)];
        long first = baseGfn(chunkIndex);
        for (int i = firstEntryOf(chunkIndex); i < size && (entries[i] >>> 1) < first + out.length; i++) {
            int page = (int) ((entries[i] >>> 1) - first);
            out[page] = (int) Math.min(Integer.MAX_VALUE, (long) out[page] + counts[i]);
        }
        return out;
    }

    /** Chunk indexes with at least one sample, ascending. */
    public long[] sampledChunks() {
        merge();
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

    /** Index of the first entry at or past chunk {@code chunkIndex}'s first page (entries merged). */
    private int firstEntryOf(long chunkIndex) {
        long key = baseGfn(chunkIndex) << 1;
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

    /** Distinct (page, written) pairs sampled: the entries {@link #entry} lists. */
    public int distinctEntries() {
        merge();
        return size;
    }

    /** Entry {@code i} in ascending order, {@code gfn << 1 | written}; i below {@link #distinctEntries}. */
    public long entry(int i) {
        merge();
        return entries[i];
    }

    /** Samples of entry {@code i} (saturating at Integer.MAX_VALUE). */
    public int samplesOf(int i) {
        merge();
        return counts[i];
    }

    /** Samples recorded so far. */
    public long sampleCount() {
        return samples;
    }
}
