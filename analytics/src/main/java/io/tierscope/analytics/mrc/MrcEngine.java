package io.tierscope.analytics.mrc;

import io.tierscope.analytics.sampling.SpatialHash;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Per-VM miss-ratio-curve engine: spatial sampling by {@link SpatialHash} (exact, SHARDS
 * fixed-rate or fixed-size), optional temporal sampling, exact LRU stack distances over the
 * sampled pages ({@link LruStackDistance}), and three histograms: cumulative (never reset),
 * window (reset by {@link #closeWindow()}) and exponentially decayed (at each window close
 * {@code decayed = decay * decayed + window}).
 *
 * <p>Typical use per batch: {@code setClock(t)}, {@code accept(gfns, 0, n)}, then at the end of a
 * window {@code curve(Histogram.WINDOW, grid)} and {@code closeWindow()}. All state a restart
 * needs round-trips through {@link #snapshot()} / {@link #restore(byte[])}. Not thread-safe.
 */
public final class MrcEngine {
    /** Which histogram a curve is computed from. */
    public enum Histogram { CUMULATIVE, WINDOW, DECAYED }

    private static final int MAGIC = 0x4d524353; // "MRCS"
    private static final int VERSION = 1;

    private final MrcConfig config;
    private final long vmKey;
    private final long salt;
    private final boolean hashing;
    private final boolean temporal;
    private final LruStackDistance tracker;
    private final HashHeap heap;
    private final PageTimeMap stamps;
    private final DistanceHistogram cumulative = new DistanceHistogram();
    private final DistanceHistogram window = new DistanceHistogram();
    private final DistanceHistogram decayed = new DistanceHistogram();
    private long threshold;
    private double rate;
    private long clock;
    // References not yet booked into the histograms' expected counts (booked before the rate changes).
    private long pendingReferences;
    private long pendingCounted;

    public MrcEngine(long vmKey, MrcConfig config) {
        this.config = config;
        this.vmKey = vmKey;
        this.salt = SpatialHash.salt(vmKey);
        this.hashing = config.mode() != MrcConfig.Mode.EXACT;
        this.temporal = config.temporalPeriod() > 0;
        this.threshold = config.mode() == MrcConfig.Mode.FIXED_RATE
                ? SpatialHash.thresholdForRate(config.rate()) : SpatialHash.ALL;
        this.rate = SpatialHash.rate(threshold);
        int expected = config.mode() == MrcConfig.Mode.FIXED_SIZE ? config.maxPages() + 1 : 1 << 12;
        this.tracker = new LruStackDistance(expected);
        this.heap = config.mode() == MrcConfig.Mode.FIXED_SIZE ? new HashHeap(expected) : null;
        this.stamps = temporal ? new PageTimeMap(expected) : null;
    }

    /** Engine for VM {@code vmId} (its {@link SpatialHash#vmKey(String)}). */
    public static MrcEngine forVm(String vmId, MrcConfig config) {
        return new MrcEngine(SpatialHash.vmKey(vmId), config);
    }

    /** Sets the clock temporal sampling uses (any monotone unit, e.g. milliseconds or reference index). */
    public void setClock(long now) {
        clock = now;
    }

    /** Offers {@code gfns[from, from + count)} in order. */
    public void accept(long[] gfns, int from, int count) {
        for (int i = from; i < from + count; i++) {
            accept(gfns[i]);
        }
    }

    /** Offers one reference to page {@code gfn}. */
    public void accept(long gfn) {
        pendingReferences++;
        long h = 0;
        if (hashing) {
            h = SpatialHash.saltedHash(salt, gfn);
            if (h >= threshold) {
                return;
            }
        }
        if (temporal) {
            long period = clock / config.temporalPeriod();
            if (stamps.get(gfn) == period) {
                return;
            }
            stamps.put(gfn, period);
            pendingCounted++;
        }
        long distance = tracker.access(gfn);
        if (distance != LruStackDistance.COLD) {
            cumulative.recordDistance(distance, rate);
            window.recordDistance(distance, rate);
            return;
        }
        cumulative.recordCold(rate);
        window.recordCold(rate);
        if (heap != null) {
            heap.push(h, gfn);
            if (tracker.size() > config.maxPages()) {
                lowerThreshold();
            }
        }
    }

    /** SHARDS fixed-size: evict the largest-hash page(s) and make that hash the new threshold. */
    private void lowerThreshold() {
        flushPending();
        long top = heap.topHash();
        while (heap.size() > 0 && heap.topHash() >= top) {
            long page = heap.topPage();
            heap.pop();
            tracker.remove(page);
            if (stamps != null) {
                stamps.remove(page);
            }
        }
        threshold = top;
        rate = SpatialHash.rate(threshold);
    }

    private void flushPending() {
        if (pendingReferences == 0 && pendingCounted == 0) {
            return;
        }
        // Temporal sampling thins the stream on purpose, so the SHARDS_adj total (all references)
        // does not apply: the total is then the weight of the counted samples (no adjustment).
        double weight = temporal ? pendingCounted / rate : pendingReferences;
        cumulative.book(pendingReferences, weight);
        window.book(pendingReferences, weight);
        pendingReferences = 0;
        pendingCounted = 0;
    }

    /** Ends the current window: folds it into the decayed histogram and starts an empty one. */
    public void closeWindow() {
        flushPending();
        decayed.scale(config.decay());
        decayed.add(window);
        window.clear();
    }

    /** The miss-ratio curve of histogram {@code which} at the sizes of {@code grid}. */
    public MissRatioCurve curve(Histogram which, CacheSizeGrid grid) {
        flushPending();
        DistanceHistogram h = histogram(which);
        long[] sizes = grid.pages();
        return new MissRatioCurve(sizes, h.missRatios(sizes), config.pageSize(), h.coldMissRatio(), h.references,
                h.samples, rate, h.cold, h.workingSet(config.workingSetTolerance()));
    }

    /** The curve on {@link CacheSizeGrid#standard} up to the larger of the estimated footprint and largest distance. */
    public MissRatioCurve curve(Histogram which) {
        flushPending();
        DistanceHistogram h = histogram(which);
        long max = Math.max(1, Math.max(Math.round(h.cold), h.maxDistance()));
        return curve(which, CacheSizeGrid.standard(max));
    }

    private DistanceHistogram histogram(Histogram which) {
        return switch (which) {
            case CUMULATIVE -> cumulative;
            case WINDOW -> window;
            case DECAYED -> decayed;
        };
    }

    public MrcConfig config() {
        return config;
    }

    public long vmKey() {
        return vmKey;
    }

    /** Current sampling rate (falls over time in fixed-size mode). */
    public double samplingRate() {
        return rate;
    }

    public long threshold() {
        return threshold;
    }

    public int trackedPages() {
        return tracker.size();
    }

    /** References offered since creation (cumulative histogram plus not yet booked). */
    public long references() {
        return cumulative.references + pendingReferences;
    }

    /** Bytes held in memory by this engine's arrays (the per-VM state budget). */
    public long retainedBytes() {
        long bytes = tracker.retainedBytes() + 3L * 8 * DistanceHistogram.BUCKETS;
        if (heap != null) {
            bytes += heap.retainedBytes();
        }
        if (stamps != null) {
            bytes += stamps.retainedBytes();
        }
        return bytes;
    }

    /**
     * The whole engine state in a compact form: configuration, VM key, threshold, clock, pending
     * counters, the three histograms (non-zero buckets only) and the tracked pages in LRU order
     * (delta-coded), with their temporal stamps when temporal sampling is on.
     */
    public byte[] snapshot() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(4096);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeByte(VERSION);
            out.writeByte(config.mode().ordinal());
            out.writeDouble(config.rate());
            out.writeInt(config.maxPages());
            out.writeLong(config.temporalPeriod());
            out.writeDouble(config.decay());
            out.writeInt(config.pageSize());
            out.writeDouble(config.workingSetTolerance());
            out.writeLong(vmKey);
            out.writeLong(threshold);
            out.writeLong(clock);
            out.writeLong(pendingReferences);
            out.writeLong(pendingCounted);
            writeHistogram(out, cumulative);
            writeHistogram(out, window);
            writeHistogram(out, decayed);
            long[] pages = tracker.pagesInLruOrder();
            out.writeInt(pages.length);
            long previous = 0;
            for (long p : pages) {
                writeVarLong(out, zigzag(p - previous));
                previous = p;
            }
            if (temporal) {
                for (long p : pages) {
                    writeVarLong(out, zigzag(stamps.get(p)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return bytes.toByteArray();
    }

    /** Rebuilds an engine from {@link #snapshot()}; its fast indexes are reconstructed here. */
    public static MrcEngine restore(byte[] snapshot) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snapshot))) {
            if (in.readInt() != MAGIC) {
                throw new IllegalArgumentException("not an MRC engine snapshot (bad magic)");
            }
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new IllegalArgumentException("unsupported MRC snapshot version " + version);
            }
            int mode = in.readUnsignedByte();
            if (mode >= MrcConfig.Mode.values().length) {
                throw new IllegalArgumentException("unknown sampling mode " + mode + " in MRC snapshot");
            }
            MrcConfig config = new MrcConfig(MrcConfig.Mode.values()[mode], in.readDouble(), in.readInt(),
                    in.readLong(), in.readDouble(), in.readInt(), in.readDouble());
            MrcEngine e = new MrcEngine(in.readLong(), config);
            e.threshold = in.readLong();
            e.rate = SpatialHash.rate(e.threshold);
            e.clock = in.readLong();
            e.pendingReferences = in.readLong();
            e.pendingCounted = in.readLong();
            readHistogram(in, e.cumulative);
            readHistogram(in, e.window);
            readHistogram(in, e.decayed);
            int n = in.readInt();
            long[] pages = new long[n];
            long previous = 0;
            for (int i = 0; i < n; i++) {
                pages[i] = previous + unzigzag(readVarLong(in));
                previous = pages[i];
                e.tracker.access(pages[i]);
                if (e.heap != null) {
                    e.heap.push(SpatialHash.saltedHash(e.salt, pages[i]), pages[i]);
                }
            }
            if (e.temporal) {
                for (long p : pages) {
                    e.stamps.put(p, unzigzag(readVarLong(in)));
                }
            }
            if (in.read() != -1) {
                throw new IllegalArgumentException("trailing bytes after MRC snapshot");
            }
            return e;
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated or corrupt MRC snapshot: " + e.getMessage(), e);
        }
    }

    private static void writeHistogram(DataOutputStream out, DistanceHistogram h) throws IOException {
        out.writeDouble(h.cold);
        out.writeDouble(h.samples);
        out.writeDouble(h.total);
        out.writeLong(h.references);
        out.writeDouble(h.lastRate);
        for (int d = 1; d <= DistanceHistogram.NEAR; d++) {
            out.writeDouble(h.near[d]);
            out.writeDouble(h.nearSamples[d]);
        }
        int nonZero = 0;
        for (double c : h.counts) {
            nonZero += c != 0 ? 1 : 0;
        }
        out.writeShort(nonZero);
        for (int b = 0; b < h.counts.length; b++) {
            if (h.counts[b] != 0) {
                out.writeShort(b);
                out.writeDouble(h.counts[b]);
            }
        }
    }

    private static void readHistogram(DataInputStream in, DistanceHistogram h) throws IOException {
        h.cold = in.readDouble();
        h.samples = in.readDouble();
        h.total = in.readDouble();
        h.references = in.readLong();
        h.lastRate = in.readDouble();
        for (int d = 1; d <= DistanceHistogram.NEAR; d++) {
            h.near[d] = in.readDouble();
            h.nearSamples[d] = in.readDouble();
        }
        int nonZero = in.readUnsignedShort();
        for (int i = 0; i < nonZero; i++) {
            int b = in.readUnsignedShort();
            if (b >= h.counts.length) {
                throw new IllegalArgumentException("histogram bucket " + b + " out of range in MRC snapshot");
            }
            h.counts[b] = in.readDouble();
        }
    }

    private static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private static long unzigzag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }

    private static void writeVarLong(DataOutputStream out, long v) throws IOException {
        while ((v & ~0x7FL) != 0) {
            out.writeByte((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.writeByte((int) v);
    }

    private static long readVarLong(DataInputStream in) throws IOException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = in.readUnsignedByte();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new IllegalArgumentException("varint longer than 10 bytes in MRC snapshot");
    }
}
