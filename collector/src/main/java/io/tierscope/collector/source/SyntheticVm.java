package io.tierscope.collector.source;

import io.tierscope.workload.AccessBatch;
import io.tierscope.workload.synthetic.SyntheticWorkload;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One synthetic VM: a seeded workload generator streamed as samples ({@link SampleFeed}) and,
 * optionally, the A/D scans those same accesses imply ({@link #scans()}).
 *
 * <p>Scan periods are counted in samples, not wall time, so the ground truth is exact and
 * reproducible: every {@code samplesPerScan} samples close a period whose accessed bitmap holds
 * exactly the pages touched in it and whose dirty bitmap holds the pages written in it (what the
 * hardware A and D bits would show). Paced at r samples/s, a period of p ms is r * p / 1000
 * samples. A last, partial period is emitted when the stream ends.
 *
 * <p>Memory is bounded whatever the stream length: three pairs of bitmaps of {@code pages / 8}
 * bytes. When the scan side is two periods behind, the VM either holds its samples back
 * ({@link LatePeriods#HOLD_SAMPLES}: {@link #read} returns 0 until a period is taken; exact
 * per-period ground truth for finite runs) or, like a real VM that does not wait for its scanner,
 * keeps running and merges the period that should close into the next one
 * ({@link LatePeriods#MERGE}: that scan covers both, as A/D bits read late do; counted in
 * {@link ScanSource#periodsMissed()}). Closing the feed ends the scan side too, once it has
 * handed out the periods already closed.
 */
public final class SyntheticVm implements SampleFeed {
    /** What the sample side does when the scan side has not taken the closed periods yet. */
    public enum LatePeriods {
        /** Stop generating samples until the scan side takes a period. */
        HOLD_SAMPLES,
        /** Keep generating; the period that cannot close extends into the next one. */
        MERGE
    }

    /** Pages per AdScan chunk by default: a 4 KiB bitmap. */
    public static final int DEFAULT_CHUNK_PAGES = 32_768;
    private static final int PENDING_SCANS = 2;  // plus the open one: 3 bitmap pairs in all

    private final String vmId;
    private final SyntheticWorkload workload;
    private final long pages;
    private final long totalSamples;
    private final long samplesPerScan;
    private final int periodMs;
    private final int chunkPages;
    private final Scans scans;
    private final LatePeriods latePeriods;
    private volatile long periodsMerged;
    private final BlockingQueue<Bitmaps> free;
    private final BlockingQueue<Bitmaps> closed;
    private Bitmaps open;
    private long generated;
    private long inPeriod;
    private volatile boolean ended;

    /**
     * @param vmId           the VM's id
     * @param workload       the generator (owned; its pages must lie in {@code [0, pages)})
     * @param pages          the VM's page span
     * @param totalSamples   samples until the stream ends; a negative value means endless
     * @param samplesPerScan samples per scan period; 0 = no scans
     * @param periodMs       the nominal period length written into the scans
     * @param chunkPages     pages per scan chunk (AdScan record)
     */
    public SyntheticVm(String vmId, SyntheticWorkload workload, long pages, long totalSamples, long samplesPerScan,
                       int periodMs, int chunkPages) {
        this(vmId, workload, pages, totalSamples, samplesPerScan, periodMs, chunkPages, LatePeriods.HOLD_SAMPLES);
    }

    /** As above, with what to do when the scan side falls behind. */
    public SyntheticVm(String vmId, SyntheticWorkload workload, long pages, long totalSamples, long samplesPerScan,
                       int periodMs, int chunkPages, LatePeriods latePeriods) {
        this.latePeriods = latePeriods;
        this.vmId = SampleFeeds.requireVmId(vmId);
        if (pages <= 0 || pages > (long) Integer.MAX_VALUE * 8) {
            throw new IllegalArgumentException("VM " + vmId + ": page span must be in [1, 2^34), got " + pages);
        }
        if (samplesPerScan < 0 || periodMs < 0 || chunkPages <= 0 || chunkPages % 8 != 0) {
            throw new IllegalArgumentException("VM " + vmId + ": need samplesPerScan >= 0, periodMs >= 0 and a positive"
                    + " chunk size that is a multiple of 8, got " + samplesPerScan + ", " + periodMs + ", " + chunkPages);
        }
        this.workload = workload;
        this.pages = pages;
        this.totalSamples = totalSamples;
        this.samplesPerScan = samplesPerScan;
        this.periodMs = periodMs;
        this.chunkPages = chunkPages;
        if (samplesPerScan > 0) {
            int bytes = (int) ((pages + 7) >>> 3);
            free = new ArrayBlockingQueue<>(PENDING_SCANS + 1);
            closed = new ArrayBlockingQueue<>(PENDING_SCANS + 1);
            for (int i = 0; i < PENDING_SCANS; i++) {
                free.add(new Bitmaps(bytes));
            }
            open = new Bitmaps(bytes);
            scans = new Scans();
        } else {
            free = null;
            closed = null;
            scans = null;
        }
    }

    /**
     * A VM of a {@link SyntheticShape} with the given seed. An endless one (totalSamples < 0) runs
     * like a real host's VM and merges late periods; a finite one holds its samples back for them,
     * so that its ground truth stays exact per period.
     */
    public static SyntheticVm of(String vmId, SyntheticShape shape, long seed, long totalSamples,
                                 long samplesPerScan, int periodMs) {
        return new SyntheticVm(vmId, shape.build(seed), shape.pages(), totalSamples, samplesPerScan, periodMs,
                DEFAULT_CHUNK_PAGES, totalSamples < 0 ? LatePeriods.MERGE : LatePeriods.HOLD_SAMPLES);
    }

    /** The A/D scan side, or null when this VM derives no scans. */
    public ScanSource scans() {
        return scans;
    }

    /** The generator, for ground truth (working set, hot pages, phase). */
    public SyntheticWorkload workload() {
        return workload;
    }

    public long samplesGenerated() {
        return generated;
    }

    @Override
    public int read(AccessBatch block) {
        if (totalSamples >= 0 && generated >= totalSamples) {
            finish();
            block.setSize(0);
            return END_OF_STREAM;
        }
        if (samplesPerScan > 0 && open == null) {
            // Every closed period still waits for the scan side: hold the samples back.
            open = free.poll();
            if (open == null) {
                block.setSize(0);
                return 0;
            }
        }
        long want = block.capacity();
        if (totalSamples >= 0) {
            want = Math.min(want, totalSamples - generated);
        }
        if (samplesPerScan > 0) {
            want = Math.min(want, samplesPerScan - inPeriod);
        }
        int n = (int) want;
        workload.generate(block.gfn, block.xwr, 0, n);
        Arrays.fill(block.vm, 0, n, 0);
        block.setSize(n);
        generated += n;
        if (samplesPerScan > 0) {
            mark(block.gfn, block.xwr, n);
            inPeriod += n;
            if (inPeriod == samplesPerScan) {
                closePeriod(totalSamples >= 0 && generated >= totalSamples);
            }
        } else {
            checkRange(block.gfn, n);
        }
        return n;
    }

    private void mark(long[] gfn, byte[] xwr, int n) {
        byte[] accessed = open.accessed;
        byte[] dirty = open.dirty;
        long[] touched = open.touchedBlocks;
        for (int i = 0; i < n; i++) {
            long g = gfn[i];
            if (g < 0 || g >= pages) {
                throw outOfRange(g);
            }
            int byteIndex = (int) (g >>> 3);
            int bit = 1 << (g & 7);
            int block = byteIndex >>> Bitmaps.BLOCK_SHIFT;
            touched[block >>> 6] |= 1L << block;
            accessed[byteIndex] |= (byte) bit;
            if ((xwr[i] & 2) != 0) {
                dirty[byteIndex] |= (byte) bit;
            }
        }
    }

    private void checkRange(long[] gfn, int n) {
        for (int i = 0; i < n; i++) {
            if (gfn[i] < 0 || gfn[i] >= pages) {
                throw outOfRange(gfn[i]);
            }
        }
    }

    private IllegalStateException outOfRange(long g) {
        return new IllegalStateException("synthetic VM " + vmId + " generated page " + g
                + " outside its span [0, " + pages + ")");
    }

    private void closePeriod(boolean last) {
        open.samples += inPeriod;
        inPeriod = 0;
        if (latePeriods == LatePeriods.MERGE && free.isEmpty() && !last) {
            // The scan side is two periods behind: this one goes on into the next.
            periodsMerged++;
            return;
        }
        // Cannot fail: only PENDING_SCANS + 1 bitmap pairs exist.
        closed.add(open);
        open = free.poll();
    }

    private void finish() {
        if (!ended) {
            if (samplesPerScan > 0 && open != null && (inPeriod > 0 || open.samples > 0)) {
                closePeriod(true);
            }
            ended = true;
        }
    }

    @Override
    public int vmCount() {
        return 1;
    }

    @Override
    public String vmId(int index) {
        return vmId;
    }

    @Override
    public boolean live() {
        return false;
    }

    @Override
    public void close() {
        ended = true;
    }

    /**
     * One period's bitmaps, cleared and reused. A period touches few of a large VM's pages, so the
     * bytes are tracked in blocks of 512 (4,096 pages): clearing and chunking skip untouched blocks
     * (clearing whole bitmaps was 40% of a 1,000-VM collector's CPU).
     */
    private static final class Bitmaps {
        static final int BLOCK_SHIFT = 9;
        private static final byte[] ZERO_BLOCK = new byte[1 << BLOCK_SHIFT];
        final byte[] accessed;
        final byte[] dirty;
        final long[] touchedBlocks;
        long samples;

        Bitmaps(int bytes) {
            accessed = new byte[bytes];
            dirty = new byte[bytes];
            int blocks = (bytes + (1 << BLOCK_SHIFT) - 1) >>> BLOCK_SHIFT;
            touchedBlocks = new long[(blocks + 63) >>> 6];
        }

        /** Whether any byte in [from, to) may be non-zero. */
        boolean touched(int fromByte, int toByte) {
            for (int b = fromByte >>> BLOCK_SHIFT; b <= (toByte - 1) >>> BLOCK_SHIFT; b++) {
                if ((touchedBlocks[b >>> 6] & (1L << b)) != 0) {
                    return true;
                }
            }
            return false;
        }

        void clear() {
            for (int w = 0; w < touchedBlocks.length; w++) {
                long bits = touchedBlocks[w];
                while (bits != 0) {
                    int block = (w << 6) + Long.numberOfTrailingZeros(bits);
                    bits &= bits - 1;
                    int from = block << BLOCK_SHIFT;
                    int length = Math.min(accessed.length - from, ZERO_BLOCK.length);
                    // arraycopy is a native stub at every compilation tier; a fill loop runs
                    // interpreted until the JIT gets to it, which on a busy host was most of the run.
                    System.arraycopy(ZERO_BLOCK, 0, accessed, from, length);
                    System.arraycopy(ZERO_BLOCK, 0, dirty, from, length);
                }
                touchedBlocks[w] = 0;
            }
            samples = 0;
        }
    }

    /** The scan side: hands out closed periods chunk by chunk. */
    private final class Scans implements ScanSource {
        private final byte[] chunkAccessed = new byte[chunkPages / 8];
        private final byte[] chunkDirty = new byte[chunkPages / 8];
        private final byte[] zeros = new byte[chunkPages / 8];

        @Override
        public int periodMs() {
            return periodMs;
        }

        @Override
        public boolean scan(ScanSink sink) throws InterruptedException {
            Bitmaps period;
            // A closed period wakes the poll at once; the timeout only bounds how late the end is seen.
            while ((period = closed.poll(200, TimeUnit.MILLISECONDS)) == null) {
                if (ended && closed.isEmpty()) {
                    return false;
                }
            }
            for (long base = 0; base < pages; base += chunkPages) {
                int count = (int) Math.min(chunkPages, pages - base);
                int bytes = (count + 7) >>> 3;
                int from = (int) (base >>> 3);
                if (!period.touched(from, from + bytes)) {
                    sink.chunk(base, count, zeros, zeros);
                    continue;
                }
                System.arraycopy(period.accessed, from, chunkAccessed, 0, bytes);
                System.arraycopy(period.dirty, from, chunkDirty, 0, bytes);
                if ((count & 7) != 0) {
                    // Bits past the span stay clear (they are always 0 in the period bitmaps too).
                    chunkAccessed[bytes - 1] &= (byte) ((1 << (count & 7)) - 1);
                    chunkDirty[bytes - 1] &= (byte) ((1 << (count & 7)) - 1);
                }
                sink.chunk(base, count, chunkAccessed, chunkDirty);
            }
            period.clear();
            free.add(period);
            return true;
        }

        @Override
        public long periodsMissed() {
            return periodsMerged;
        }

        @Override
        public void close() {
            ended = true;
        }
    }
}
