package io.tierscope.collector.linux;

import io.tierscope.collector.source.ScanSink;
import io.tierscope.collector.source.ScanSource;
import io.tierscope.nativeaccess.LibC;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * Accessed and/or dirty bits of a process's memory ranges, per gfn chunk. Accessed bits come from
 * idle page tracking (pagemap PFN -> page_idle bitmap), dirty bits from soft-dirty (clear_refs 4,
 * then pagemap bit 55). One {@link #scan} arms every chunk, waits the period, then reads every
 * chunk back, so all chunks cover the same period.
 *
 * <p>A page counts as accessed when it is present and its PFN is no longer idle; a page faulted in
 * or migrated during the period has a fresh, non-idle PFN and so counts as accessed, which is what
 * happened. Chunks are aligned to multiples of {@code chunkPages} in gfn space so that every scan
 * of a VM keys the same chunks.
 */
public final class AdBitScanSource implements ScanSource {
    /** Which bits to read. */
    public enum Bits {
        /** Idle page tracking only; dirty bitmaps are null. */
        ACCESSED,
        /** Soft-dirty only; accessed is reported equal to dirty (a write is an access). */
        DIRTY,
        /** Both. */
        ACCESSED_AND_DIRTY
    }

    /** How a scan waits out its period; tests act as the kernel here instead of sleeping. */
    @FunctionalInterface
    public interface PeriodWait {
        PeriodWait SLEEP = Thread::sleep;

        void await(long millis) throws InterruptedException, IOException;
    }

    private final PagemapReader pagemap;
    private final IdlePageTracker idle;
    private final SoftDirtyTracker softDirty;
    private final Bits bits;
    private final int periodMs;
    private final PeriodWait wait;
    // Chunk table as parallel primitive arrays: gfn, virtual address, pages.
    private final long[] chunkGfn;
    private final long[] chunkVa;
    private final int[] chunkPages;
    private final long[] entries;
    private final long[] pfns;
    private final int[] pfnPage;
    private final long[] idleBits;
    private final byte[] accessed;
    private final byte[] dirty;

    /**
     * @param idle       needed unless {@code bits} is DIRTY
     * @param softDirty  needed unless {@code bits} is ACCESSED
     * @param chunkPages pages per reported chunk at most
     */
    public AdBitScanSource(PagemapReader pagemap, IdlePageTracker idle, SoftDirtyTracker softDirty, Bits bits,
                           List<ScanRange> ranges, int chunkPages, int periodMs, PeriodWait wait) {
        if (bits != Bits.DIRTY && idle == null) {
            throw new IllegalArgumentException(bits + " needs an IdlePageTracker");
        }
        if (bits != Bits.ACCESSED && softDirty == null) {
            throw new IllegalArgumentException(bits + " needs a SoftDirtyTracker");
        }
        if (chunkPages <= 0 || periodMs <= 0) {
            throw new IllegalArgumentException("chunk size and period must be positive, got " + chunkPages
                    + " pages and " + periodMs + " ms");
        }
        this.pagemap = pagemap;
        this.idle = idle;
        this.softDirty = softDirty;
        this.bits = bits;
        this.periodMs = periodMs;
        this.wait = wait;
        long[][] table = chunkTable(ranges, chunkPages);
        this.chunkGfn = table[0];
        this.chunkVa = table[1];
        this.chunkPages = Arrays.stream(table[2]).mapToInt(Math::toIntExact).toArray();
        this.entries = new long[chunkPages];
        this.pfns = new long[chunkPages];
        this.pfnPage = new int[chunkPages];
        this.idleBits = new long[(chunkPages + 63) >>> 6];
        this.accessed = new byte[(chunkPages + 7) >>> 3];
        this.dirty = bits == Bits.ACCESSED ? null : new byte[(chunkPages + 7) >>> 3];
    }

    /**
     * Opens /proc/{@code pid}/pagemap, the idle bitmap at {@code idleBitmap} and /proc/{@code pid}/clear_refs
     * as {@code bits} needs them. Use {@link KernelSupport} first to tell the operator what is missing.
     */
    public static AdBitScanSource open(LibC libc, int pid, Bits bits, List<ScanRange> ranges, int chunkPages,
                                       int periodMs, String idleBitmap) throws IOException {
        PagemapReader pagemap = PagemapReader.open(libc, pid);
        IdlePageTracker idle = null;
        try {
            idle = bits == Bits.DIRTY ? null : IdlePageTracker.open(libc, idleBitmap);
            SoftDirtyTracker softDirty = bits == Bits.ACCESSED ? null : SoftDirtyTracker.open(libc, pid);
            return new AdBitScanSource(pagemap, idle, softDirty, bits, ranges, chunkPages, periodMs, PeriodWait.SLEEP);
        } catch (IOException | RuntimeException e) {
            try {
                pagemap.close();
                if (idle != null) {
                    idle.close();
                }
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** The AdScan.source value of this source's records. */
    public io.tierscope.avro.ScanSource kind() {
        return bits == Bits.DIRTY ? io.tierscope.avro.ScanSource.SOFT_DIRTY : io.tierscope.avro.ScanSource.IDLE_PAGE_TRACKING;
    }

    /** Chunks one scan reports. */
    public int chunkCount() {
        return chunkGfn.length;
    }

    @Override
    public int periodMs() {
        return periodMs;
    }

    @Override
    public boolean scan(ScanSink sink) throws IOException, InterruptedException {
        if (bits != Bits.DIRTY) {
            for (int c = 0; c < chunkGfn.length; c++) {
                idle.setIdle(pfns, readPresent(c));
            }
        }
        if (bits != Bits.ACCESSED) {
            softDirty.clear();
        }
        wait.await(periodMs);
        for (int c = 0; c < chunkGfn.length; c++) {
            int pages = chunkPages[c];
            int bytes = (pages + 7) >>> 3;
            int present = readPresent(c);
            if (dirty != null) {
                Arrays.fill(dirty, 0, bytes, (byte) 0);
                for (int i = 0; i < pages; i++) {
                    // Present or swapped: a page written and then swapped out keeps bit 55.
                    if (PagemapReader.isSoftDirty(entries[i])) {
                        dirty[i >>> 3] |= (byte) (1 << (i & 7));
                    }
                }
            }
            if (bits == Bits.DIRTY) {
                System.arraycopy(dirty, 0, accessed, 0, bytes);
            } else {
                Arrays.fill(accessed, 0, bytes, (byte) 0);
                idle.readIdle(pfns, present, idleBits);
                for (int i = 0; i < present; i++) {
                    if ((idleBits[i >>> 6] >>> (i & 63) & 1) == 0) {
                        int page = pfnPage[i];
                        accessed[page >>> 3] |= (byte) (1 << (page & 7));
                    }
                }
            }
            sink.chunk(chunkGfn[c], pages, accessed, dirty);
        }
        return true;
    }

    /** Reads chunk {@code c}'s pagemap; fills {@code pfns}/{@code pfnPage} with its present pages, returns how many. */
    private int readPresent(int c) throws IOException {
        int pages = chunkPages[c];
        pagemap.read(chunkVa[c], pages, entries);
        int present = 0;
        for (int i = 0; i < pages; i++) {
            long e = entries[i];
            if (PagemapReader.isPresent(e)) {
                long pfn = PagemapReader.pfn(e);
                if (pfn == 0 && bits != Bits.DIRTY) {
                    throw new IOException(pagemap.path() + " shows present page " + i + " of chunk gfn " + chunkGfn[c]
                            + " with PFN 0: PFNs are hidden without CAP_SYS_ADMIN, which idle page tracking needs");
                }
                pfns[present] = pfn;
                pfnPage[present++] = i;
            }
        }
        return present;
    }

    /** Splits ranges at multiples of {@code chunkPages} in gfn space, sorted by gfn: {gfn[], va[], pages[]}. */
    private static long[][] chunkTable(List<ScanRange> ranges, int chunkPages) {
        List<ScanRange> sorted = ranges.stream().sorted((a, b) -> Long.compare(a.baseGfn(), b.baseGfn())).toList();
        int count = 0;
        for (int i = 1; i < sorted.size(); i++) {
            ScanRange prev = sorted.get(i - 1);
            if (sorted.get(i).baseGfn() < prev.baseGfn() + prev.pages()) {
                throw new IllegalArgumentException("scan ranges overlap: " + prev + " and " + sorted.get(i));
            }
        }
        for (ScanRange r : sorted) {
            long first = r.baseGfn() / chunkPages;
            long last = (r.baseGfn() + r.pages() - 1) / chunkPages;
            count = Math.addExact(count, Math.toIntExact(last - first + 1));
        }
        long[][] table = new long[3][count];
        int c = 0;
        for (ScanRange r : sorted) {
            long gfn = r.baseGfn();
            long end = r.baseGfn() + r.pages();
            while (gfn < end) {
                long chunkEnd = Math.min(end, (gfn / chunkPages + 1) * chunkPages);
                table[0][c] = gfn;
                table[1][c] = r.startVa() + ((gfn - r.baseGfn()) << PagemapReader.PAGE_SHIFT);
                table[2][c] = chunkEnd - gfn;
                c++;
                gfn = chunkEnd;
            }
        }
        return table;
    }

    @Override
    public void close() throws IOException {
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
