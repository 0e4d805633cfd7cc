package io.tierscope.collector.linux;

import io.tierscope.collector.source.ScanChunk;
import io.tierscope.collector.source.ScanSink;
import io.tierscope.collector.source.ScanSource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Accessed and/or dirty bits of a process's memory ranges, per gfn chunk. Accessed bits come from
 * idle page tracking (pagemap PFN -> page_idle bitmap), dirty bits from soft-dirty (pagemap bit 55,
 * then clear_refs 4). Each {@link #scan} reports what happened since the previous one and re-arms;
 * the first call only arms.
 *
 * <p>A page counts as accessed when it is present and its PFN is no longer idle; a page that was
 * faulted in or migrated since arming has a fresh, non-idle PFN and so counts as accessed, which is
 * what happened. Chunks are aligned to multiples of {@code chunkPages} in gfn space so that every
 * scan of a VM keys the same chunks.
 */
public final class AdBitScanSource implements ScanSource {
    /** Which bits to read. */
    public enum Bits {
        /** Idle page tracking only; AdScan.dirty is null. */
        ACCESSED,
        /** Soft-dirty only; accessed is reported equal to dirty (a write is an access), kind SOFT_DIRTY. */
        DIRTY,
        /** Both. */
        ACCESSED_AND_DIRTY
    }

    private final PagemapReader pagemap;
    private final IdlePageTracker idle;
    private final SoftDirtyTracker softDirty;
    private final Bits bits;
    private final List<long[]> chunks = new ArrayList<>();
    private final LongSupplier clockMs;
    private final long[] entries;
    private final long[] pfns;
    private final int[] pfnPage;
    private final long[] idleBits;
    private boolean armed;
    private long armedAtMs;
    private long scanSeq;

    /**
     * @param idle       needed unless {@code bits} is DIRTY
     * @param softDirty  needed unless {@code bits} is ACCESSED
     * @param chunkPages pages per reported chunk (the AdScan record's pageCount at most)
     */
    public AdBitScanSource(PagemapReader pagemap, IdlePageTracker idle, SoftDirtyTracker softDirty, Bits bits,
                           List<ScanRange> ranges, int chunkPages, LongSupplier clockMs) {
        if (bits != Bits.DIRTY && idle == null) {
            throw new IllegalArgumentException(bits + " needs an IdlePageTracker");
        }
        if (bits != Bits.ACCESSED && softDirty == null) {
            throw new IllegalArgumentException(bits + " needs a SoftDirtyTracker");
        }
        if (chunkPages <= 0) {
            throw new IllegalArgumentException("chunk size must be at least one page, got " + chunkPages);
        }
        this.pagemap = pagemap;
        this.idle = idle;
        this.softDirty = softDirty;
        this.bits = bits;
        this.clockMs = clockMs;
        for (ScanRange r : ranges) {
            long gfn = r.baseGfn();
            long end = r.baseGfn() + r.pages();
            while (gfn < end) {
                long chunkEnd = Math.min(end, (gfn / chunkPages + 1) * chunkPages);
                chunks.add(new long[] {gfn, r.startVa() + ((gfn - r.baseGfn()) << PagemapReader.PAGE_SHIFT), chunkEnd - gfn});
                gfn = chunkEnd;
            }
        }
        chunks.sort((a, b) -> Long.compare(a[0], b[0]));
        this.entries = new long[chunkPages];
        this.pfns = new long[chunkPages];
        this.pfnPage = new int[chunkPages];
        this.idleBits = new long[(chunkPages + 63) >>> 6];
    }

    /** Chunks one scan reports. */
    public int chunkCount() {
        return chunks.size();
    }

    @Override
    public void scan(ScanSink sink) throws IOException {
        long now = clockMs.getAsLong();
        if (!armed) {
            for (long[] chunk : chunks) {
                int present = readPresent(chunk);
                if (bits != Bits.DIRTY) {
                    idle.setIdle(pfns, present);
                }
            }
            if (bits != Bits.ACCESSED) {
                softDirty.clear();
            }
            armed = true;
            armedAtMs = now;
            return;
        }
        long seq = scanSeq++;
        int periodMs = (int) Math.min(Integer.MAX_VALUE, Math.max(0, now - armedAtMs));
        for (long[] chunk : chunks) {
            int pages = (int) chunk[2];
            int present = readPresent(chunk);
            byte[] dirty = bits == Bits.ACCESSED ? null : dirtyBitmap(pages);
            byte[] accessed;
            if (bits == Bits.DIRTY) {
                accessed = dirty.clone();
            } else {
                accessed = new byte[(pages + 7) >>> 3];
                idle.readIdle(pfns, present, idleBits);
                for (int i = 0; i < present; i++) {
                    if ((idleBits[i >>> 6] >>> (i & 63) & 1) == 0) {
                        int page = pfnPage[i];
                        accessed[page >>> 3] |= (byte) (1 << (page & 7));
                    }
                }
                idle.setIdle(pfns, present);
            }
            sink.accept(new ScanChunk(bits == Bits.DIRTY ? io.tierscope.avro.ScanSource.SOFT_DIRTY
                    : io.tierscope.avro.ScanSource.IDLE_PAGE_TRACKING, seq, now, periodMs, chunk[0], pages, accessed, dirty));
        }
        if (bits != Bits.ACCESSED) {
            softDirty.clear();
        }
        armedAtMs = now;
    }

    /** Reads a chunk's pagemap; fills {@code pfns}/{@code pfnPage} with its present pages, returns how many. */
    private int readPresent(long[] chunk) throws IOException {
        int pages = (int) chunk[2];
        pagemap.read(chunk[1], pages, entries);
        int present = 0;
        for (int i = 0; i < pages; i++) {
            long e = entries[i];
            if (PagemapReader.isPresent(e)) {
                long pfn = PagemapReader.pfn(e);
                if (pfn == 0 && bits != Bits.DIRTY) {
                    throw new IOException(pagemap.path() + " shows present page " + i + " of chunk gfn " + chunk[0]
                            + " with PFN 0: PFNs are hidden without CAP_SYS_ADMIN, which idle page tracking needs");
                }
                pfns[present] = pfn;
                pfnPage[present++] = i;
            }
        }
        return present;
    }

    /** Soft-dirty bits of the entries just read: present or swapped pages with bit 55 set. */
    private byte[] dirtyBitmap(int pages) {
        byte[] dirty = new byte[(pages + 7) >>> 3];
        for (int i = 0; i < pages; i++) {
            if (PagemapReader.isSoftDirty(entries[i])) {
                dirty[i >>> 3] |= (byte) (1 << (i & 7));
            }
        }
        return dirty;
    }

    @Override
    public void close() throws IOException {
        armed = false;
        try {
            pagemap.close();
        } finally {
            try {
                if (idle != null) {
                    idle.close();
                }
            } finally {
                if (softDirty != null) {
                    softDirty.close();
                }
            }
        }
    }
}
