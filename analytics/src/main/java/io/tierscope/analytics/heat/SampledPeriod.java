package io.tierscope.analytics.heat;

/**
 * Sample-driven heat: the pages sampled during one period of one VM form that period's accessed
 * bitmap (any sample) and dirty bitmap (samples with the write bit), per chunk, ready for
 * {@link ChunkHeat#apply}. Every chunk should be stepped every period, also those without samples
 * ({@link #accessed} then gives an all-zero bitmap): unsampled means idle for this period.
 *
 * <p>xwr bits as kvm-ept-sample reports them and {@code SampleCodec} packs them: bit0 read,
 * bit1 write, bit2 execute. A sample whose xwr is 0 still counts as an access (the page was
 * touched; the kind is unknown). Bitmaps are allocated per chunk on first sample, never per page.
 */
public final class SampledPeriod {
    public static final int WRITE = 2;

    private final int chunkPages;
    private final long vmPages;
    private final byte[][] accessed;
    private final byte[][] dirty;
    /** Samples per page, per chunk (for {@link SampledCounts}). */
    private final int[][] counts;
    private long samples;

    /**
     * @param chunkPages pages per chunk as the topology splits the VM (the last chunk may be shorter)
     * @param vmPages    pages of the VM; samples at or past this gfn are rejected
     */
    public SampledPeriod(int chunkPages, long vmPages) {
        if (chunkPages <= 0) {
            throw new IllegalArgumentException("chunkPages must be > 0, got " + chunkPages);
        }
        if (vmPages < 0) {
            throw new IllegalArgumentException("vmPages must be >= 0, got " + vmPages);
        }
        long chunks = (vmPages + chunkPages - 1) / chunkPages;
        if (chunks > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(vmPages + " pages in chunks of " + chunkPages + " are too many chunks");
        }
        this.chunkPages = chunkPages;
        this.vmPages = vmPages;
        this.accessed = new byte[(int) chunks][];
        this.dirty = new byte[(int) chunks][];
        this.counts = new int[(int) chunks][];
    }

    /** Records one sample. */
    public void add(long gfn, int xwr) {
        if (gfn < 0 || gfn >= vmPages) {
            throw new IllegalArgumentException("sample gfn " + gfn + " (xwr " + xwr + ") is outside the VM's "
                    + vmPages + " pages");
        }
        int chunk = (int) (gfn / chunkPages);
        int page = (int) (gfn - (long) chunk * chunkPages);
        if (accessed[chunk] == null) {
            accessed[chunk] = new byte[HeatBitmaps.bytesFor(pagesIn(chunk))];
            counts[chunk] = new int[pagesIn(chunk)];
        }
        HeatBitmaps.set(accessed[chunk], page);
        counts[chunk][page]++;
        if ((xwr & WRITE) != 0) {
            if (dirty[chunk] == null) {
                dirty[chunk] = new byte[HeatBitmaps.bytesFor(pagesIn(chunk))];
            }
            HeatBitmaps.set(dirty[chunk], page);
        }
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

    private void addAt(int index, long gfn, int xwr) {
        try {
            add(gfn, xwr);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("sample " + index + ": " + e.getMessage(), e);
        }
    }

    /** Chunks of the VM (ceil(vmPages / chunkPages)). */
    public int chunkCount() {
        return accessed.length;
    }

    /** Pages in chunk {@code chunkIndex}: chunkPages, or fewer for the last chunk. */
    public int pagesIn(int chunkIndex) {
        return (int) Math.min(chunkPages, vmPages - (long) chunkIndex * chunkPages);
    }

    /** First gfn of chunk {@code chunkIndex}. */
    public long baseGfn(int chunkIndex) {
        return (long) chunkIndex * chunkPages;
    }

    /** Whether any sample fell into the chunk this period. */
    public boolean sampled(int chunkIndex) {
        return accessed[chunkIndex] != null;
    }

    /** Accessed bitmap of the chunk for this period (all zero when nothing was sampled there). */
    public byte[] accessed(int chunkIndex) {
        byte[] bitmap = accessed[chunkIndex];
        return bitmap == null ? new byte[HeatBitmaps.bytesFor(pagesIn(chunkIndex))] : bitmap.clone();
    }

    /** Samples per page of the chunk this period, or null when nothing was sampled there (not a copy). */
    public int[] counts(int chunkIndex) {
        return counts[chunkIndex];
    }

    /**
     * Dirty bitmap of the chunk for this period: all zero when no write was sampled there. Sampling
     * without write protection (xwr mask without w) never sees writes; pass null to
     * {@link ChunkHeat#apply} then instead of this.
     */
    public byte[] dirty(int chunkIndex) {
        byte[] bitmap = dirty[chunkIndex];
        return bitmap == null ? new byte[HeatBitmaps.bytesFor(pagesIn(chunkIndex))] : bitmap.clone();
    }

    /** Samples recorded so far. */
    public long sampleCount() {
        return samples;
    }
}
