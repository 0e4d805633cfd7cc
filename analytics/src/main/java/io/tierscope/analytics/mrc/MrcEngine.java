package io.tierscope.analytics.mrc;

import io.tierscope.analytics.sampling.SpatialHash;
import java.util.function.LongSupplier;

/**
 * Per-VM miss-ratio-curve engine: spatial sampling by {@link SpatialHash} (exact, SHARDS
 * fixed-rate or fixed-size), optional temporal sampling, exact LRU stack distances over the
 * sampled pages ({@link LruStackDistance}), and three histograms: cumulative (never reset),
 * window (reset by {@link #closeWindow()}) and exponentially decayed (at each window close
 * {@code decayed = decay * decayed + window}).
 *
 * <p>Typical use per batch: {@code setClock(t)}, {@code accept(gfns, 0, n)}, then at the end of a
 * window {@code curve(Histogram.WINDOW, grid)} and {@code closeWindow()}. A stream a collector
 * pre-filtered with the same hash is declared with {@link #declarePrefilterRate(double)} and its
 * removed references counted with {@link #acceptFiltered(long)}. All state a restart needs
 * round-trips through {@link #snapshot()} / {@link #restore(byte[])}. Not thread-safe.
 *
 * <p>Exact head (sampled modes, {@link MrcConfig#headPages()} = K > 0): the K most recently used
 * pages of the whole stream, sampled or not, are kept in an exact bounded LRU stack. A reuse within
 * them has its exact distance, weight 1, so the curve for caches up to K pages is exact, whatever
 * pages the hash happens to pick: on skewed workloads those few hot pages decide most of a plain
 * SHARDS curve's error. Every reference beyond the head is counted; the sampled ones among them
 * give the spread of distances beyond K (ratio estimate, see {@link DistanceHistogram}), each at
 * {@code K + 1 + (sampled pages between, less the sampled pages in the head) / R}: the head's K
 * pages are known, only the rest is scaled. The head needs the whole stream, so a declared
 * pre-filter or temporal sampling turns it off (plain SHARDS).
 */
public final class MrcEngine {
    /** Which histogram a curve is computed from. */
    public enum Histogram { CUMULATIVE, WINDOW, DECAYED }

    private static final int MAGIC = 0x4d524353; // "MRCS"
    /**
     * Snapshot format written: 4 adds the exact head, 5 an exact engine's per-distance counts.
     * Formats 1 and 2 (plain SHARDS) and 3 (a heavy hot set, since replaced by the exact head) are
     * still read; they restore as plain SHARDS engines (head 0): a head starting empty would take
     * reuses of pages seen before for far ones. An exact engine of formats 1 to 4 keeps its
     * history in log-linear buckets (exact below 128 pages, 1.6% wide above) and records exactly
     * from then on.
     */
    private static final int VERSION = 5;
    /** Snapshot buffers shared by the engines of one stream thread (engines are not thread-safe anyway). */
    private static final ThreadLocal<SnapshotOutput> SCRATCH = ThreadLocal.withInitial(() -> new SnapshotOutput(1 << 16));
    /** Scratch above this is let go after use: a large exact engine must not pin its snapshot size per thread. */
    private static final long SCRATCH_KEPT_BYTES = 4L << 20;

    private final MrcConfig config;
    private final long vmKey;
    private final long salt;
    private boolean hashing;
    private final boolean temporal;
    private final LruStackDistance tracker;
    private final HashHeap heap;
    private final PageTimeMap stamps;
    /** The exact head: the K most recently used pages; null when off (exact mode, pre-filter, temporal). */
    private LruStackDistance head;
    /** Head pages that are in the spatial sample (hash below the threshold). */
    private int sampledInHead;
    private final DistanceHistogram cumulative;
    private final DistanceHistogram window;
    private final DistanceHistogram decayed;
    private long threshold;
    private double rate;
    private long clock;
    // References not yet booked into the histograms' expected counts (booked before the rate changes).
    private long pendingReferences;
    private long pendingCounted;

    public MrcEngine(long vmKey, MrcConfig config) {
        this(vmKey, config, 0);
    }

    /** An empty engine whose indexes are sized for at least {@code trackedHint} pages (restore). */
    private MrcEngine(long vmKey, MrcConfig config, int trackedHint) {
        this.config = config;
        this.vmKey = vmKey;
        this.salt = SpatialHash.salt(vmKey);
        this.hashing = config.mode() != MrcConfig.Mode.EXACT;
        this.temporal = config.temporalPeriod() > 0;
        this.threshold = config.mode() == MrcConfig.Mode.FIXED_RATE
                ? SpatialHash.thresholdForRate(config.rate()) : SpatialHash.ALL;
        this.rate = SpatialHash.rate(threshold);
        int expected = Math.max(trackedHint,
                config.mode() == MrcConfig.Mode.FIXED_SIZE ? config.maxPages() + 1 : 1 << 12);
        this.tracker = new LruStackDistance(expected);
        this.heap = config.mode() == MrcConfig.Mode.FIXED_SIZE ? new HashHeap(expected) : null;
        this.stamps = temporal ? new PageTimeMap(expected) : null;
        // An exact engine keeps one count per distance: its curve is exact at every size.
        boolean exactDistances = config.mode() == MrcConfig.Mode.EXACT;
        this.cumulative = new DistanceHistogram(config.headPages(), exactDistances);
        this.window = new DistanceHistogram(config.headPages(), exactDistances);
        this.decayed = new DistanceHistogram(config.headPages(), exactDistances);
        this.head = hashing && !temporal && config.headPages() > 0 ? new LruStackDistance(config.headPages() + 1, true) : null;
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
            if (head != null) {
                acceptWithHead(gfn, h, h < threshold);
                return;
            }
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
        record(tracker.access(gfn), h, gfn);
    }

    /** Books a sampled reference (plain SHARDS or exact): its distance, or a first reference. */
    private void record(long distance, long h, long gfn) {
        if (distance != LruStackDistance.COLD) {
            cumulative.recordDistance(distance, rate);
            window.recordDistance(distance, rate);
            return;
        }
        cumulative.recordCold(rate);
        window.recordCold(rate);
        addToSample(h, gfn);
    }

    private void acceptWithHead(long gfn, long h, boolean sampled) {
        long near = head.access(gfn);
        if (near != LruStackDistance.COLD) {
            cumulative.recordExact(near);
            window.recordExact(near);
            if (sampled) {
                // Keeps the sample's LRU order; the distance is known exactly already.
                tracker.access(gfn);
            }
            return;
        }
        // Beyond the head, or a first reference: counted whether sampled or not.
        cumulative.recordBeyondHead();
        window.recordBeyondHead();
        int sampledAbove = sampledInHead;
        if (head.size() > config.headPages()) {
            long out = head.removeOldest();
            if (SpatialHash.saltedHash(salt, out) < threshold) {
                sampledInHead--;
            }
        }
        if (!sampled) {
            return;
        }
        sampledInHead++;
        long distance = tracker.access(gfn);
        if (distance == LruStackDistance.COLD) {
            cumulative.recordFarCold(rate);
            window.recordFarCold(rate);
            addToSample(h, gfn);
            return;
        }
        // distance - 1 sampled pages between; the head's sampled pages are among them.
        long between = Math.max(0, distance - 1 - sampledAbove);
        long beyond = 1 + Math.round(between / rate);
        cumulative.recordFar(beyond, rate);
        window.recordFar(beyond, rate);
    }

    /** A first reference of a sampled page: fixed-size sampling keeps at most S_max of them. */
    private void addToSample(long h, long gfn) {
        if (heap != null) {
            heap.push(h, gfn);
            if (heap.size() > config.maxPages()) {
                lowerThreshold();
            }
        }
    }

    /**
     * Declares that the references offered from now on were pre-filtered (by the collector) with
     * the same {@link SpatialHash} at rate {@code prefilterRate}: only pages below
     * {@code SpatialHash.thresholdForRate(prefilterRate)} reach the engine. The engine then is a SHARDS
     * sampler at {@code min(own rate, prefilterRate)}: an exact engine becomes fixed-rate at it, a
     * fixed-rate one keeps the lower of the two, a fixed-size one lowers its threshold to the
     * pre-filter's at once and only lower later. Pages above the new threshold are dropped and
     * every later sample is weighted by the new rate (counts taken before keep their own rate, as
     * in SHARDS §4.2). The lowest rate ever declared wins: a declared rate above the current one
     * changes nothing, since the engine's own hash test keeps sampling below its threshold, which
     * a stream pre-filtered at a higher rate contains in full.
     *
     * <p>Any declared rate below 1 ends the exact head for good: the collector dropped the
     * references of pages above its threshold, so reuses within the head can no longer be counted.
     */
    public void declarePrefilterRate(double prefilterRate) {
        long t = SpatialHash.thresholdForRate(prefilterRate);
        if (t < SpatialHash.ALL) {
            head = null;
        }
        if (t >= threshold) {
            return;
        }
        flushPending();
        if (heap != null) {
            while (heap.size() > 0 && heap.topHash() >= t) {
                forget(heap.topPage());
                heap.pop();
            }
        } else if (tracker.size() > 0) {
            long[] pages = tracker.pagesInLruOrder();
            for (long page : pages) {
                if (SpatialHash.saltedHash(salt, page) >= t) {
                    forget(page);
                }
            }
        }
        hashing = true;
        threshold = t;
        rate = SpatialHash.rate(t);
    }

    /**
     * Counts {@code references} that a pre-filter (see {@link #declarePrefilterRate}) removed
     * before they reached the engine: they are references of the stream, so they enter the
     * totals exactly as if offered and rejected by the engine's own hash (SHARDS_adj, §5.2).
     * Offering the unfiltered stream, or the filtered one plus this count (before the next window
     * close or curve), gives the same curves.
     */
    public void acceptFiltered(long references) {
        if (references < 0) {
            throw new IllegalArgumentException("filtered reference count must be >= 0, got " + references);
        }
        pendingReferences += references;
    }

    private void forget(long page) {
        tracker.remove(page);
        if (stamps != null) {
            stamps.remove(page);
        }
    }

    /** SHARDS fixed-size: evict the largest-hash page(s) and make that hash the new threshold. */
    private void lowerThreshold() {
        flushPending();
        long top = heap.topHash();
        while (heap.size() > 0 && heap.topHash() >= top) {
            long page = heap.topPage();
            forget(page);
            if (head != null && head.contains(page)) {
                sampledInHead--;
            }
            heap.pop();
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

    /**
     * The miss-ratio curve of histogram {@code which} at the sizes of {@code grid} (its
     * {@link MissRatioCurve#interpolationError()} is not measured: NaN).
     */
    public MissRatioCurve curve(Histogram which, CacheSizeGrid grid) {
        flushPending();
        DistanceHistogram h = histogram(which);
        DistanceHistogram.Evaluation e = h.new Evaluation();
        long[] sizes = grid.pages();
        return curveOf(h, e, sizes, DistanceHistogram.missRatios(e, sizes), Double.NaN);
    }

    /** The published curve with at most {@link CurveKnots#DEFAULT_MAX_POINTS} points (see {@link #curve(Histogram, int)}). */
    public MissRatioCurve curve(Histogram which) {
        return curve(which, CurveKnots.DEFAULT_MAX_POINTS);
    }

    /**
     * The published curve of histogram {@code which}, from 1 page to {@link #curveMaxPages}: the
     * {@link CacheSizeGrid#standard} grid plus adaptive knots ({@link CurveKnots}), so that linear
     * interpolation between consecutive points stays within {@link #interpolationBound()} of the
     * engine's curve at every size, in at most {@code maxPoints} points (the grid included; when
     * the cap wins, the bound achieved is what the curve's {@code interpolationError} says).
     */
    public MissRatioCurve curve(Histogram which, int maxPoints) {
        flushPending();
        DistanceHistogram h = histogram(which);
        DistanceHistogram.Evaluation e = h.new Evaluation();
        long max = curveMaxPages(which);
        long[] grid = CacheSizeGrid.standard(max).pages();
        if (!(h.total > 0)) {
            return curveOf(h, e, grid, DistanceHistogram.missRatios(e, grid), Double.NaN);
        }
        long[] breaks = h.breakpoints(max, e);
        // Both ascending and distinct: merged in one pass, the grid's sizes marked as forced.
        long[] sizes = new long[grid.length + breaks.length];
        boolean[] forced = new boolean[sizes.length];
        int n = 0;
        for (int g = 0, b = 0; g < grid.length || b < breaks.length; n++) {
            boolean fromGrid = b == breaks.length || (g < grid.length && grid[g] <= breaks[b]);
            if (fromGrid && b < breaks.length && grid[g] == breaks[b]) {
                b++;
            }
            sizes[n] = fromGrid ? grid[g++] : breaks[b++];
            forced[n] = fromGrid;
        }
        sizes = java.util.Arrays.copyOf(sizes, n);
        forced = java.util.Arrays.copyOf(forced, n);
        double[] ratios = DistanceHistogram.missRatios(e, sizes);
        double bound = interpolationBound();
        // An exact curve is a step function, flat between its breakpoints; a sampled one may bend
        // between them (the near-distance spread, the clamp to [0, 1]): sampled finer where it does.
        CurveKnots.Samples samples = bound == CurveKnots.EXACT_BOUND
                ? new CurveKnots.Samples(sizes, ratios, forced, 0)
                : CurveKnots.refine(sizes, ratios, forced, e::missRatio, bound / 8);
        double bend = 2 * samples.localError();
        CurveKnots.Fit fit = CurveKnots.fit(samples.x(), samples.y(), samples.forced(), bound - bend, maxPoints);
        long[] keptSizes = new long[fit.kept().length];
        double[] keptRatios = new double[keptSizes.length];
        for (int i = 0; i < keptSizes.length; i++) {
            keptSizes[i] = samples.x()[fit.kept()[i]];
            keptRatios[i] = samples.y()[fit.kept()[i]];
        }
        return curveOf(h, e, keptSizes, keptRatios, fit.maxError() + bend);
    }

    /**
     * Largest size a published curve reaches: the larger of the estimated footprint and the
     * largest distance recorded (at least 1). {@code tierscope mrc --all} writes every size up to it.
     */
    public long curveMaxPages(Histogram which) {
        flushPending();
        DistanceHistogram h = histogram(which);
        return Math.max(1, Math.max(Math.round(h.cold), h.maxDistance()));
    }

    /**
     * How far linear interpolation between a published curve's points may stray from the
     * engine's curve: {@link CurveKnots#EXACT_BOUND} while the engine is exact (every page, no
     * pre-filter), {@link CurveKnots#SAMPLED_BOUND} otherwise.
     */
    public double interpolationBound() {
        return config.mode() == MrcConfig.Mode.EXACT && threshold == SpatialHash.ALL
                ? CurveKnots.EXACT_BOUND : CurveKnots.SAMPLED_BOUND;
    }

    private MissRatioCurve curveOf(DistanceHistogram h, DistanceHistogram.Evaluation e, long[] sizes, double[] ratios,
                                   double interpolationError) {
        return new MissRatioCurve(sizes, ratios, config.pageSize(), h.coldMissRatio(), h.references, h.samples, rate,
                h.coldEstimate(), h.workingSet(e, config.workingSetTolerance()), interpolationError);
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

    /** Pages in the exact head right now (0 when it is off). */
    public int headPages() {
        return head == null ? 0 : head.size();
    }

    /** Pages in the spatial sample (at most S_max in fixed-size mode). */
    public int trackedPages() {
        return tracker.size();
    }

    /** References offered since creation (cumulative histogram plus not yet booked). */
    public long references() {
        return cumulative.references + pendingReferences;
    }

    /** Bytes held in memory by this engine's arrays (the per-VM state budget). */
    public long retainedBytes() {
        long bytes = tracker.retainedBytes() + cumulative.retainedBytes() + window.retainedBytes()
                + decayed.retainedBytes();
        if (heap != null) {
            bytes += heap.retainedBytes();
        }
        if (stamps != null) {
            bytes += stamps.retainedBytes();
        }
        if (head != null) {
            bytes += head.retainedBytes();
        }
        return bytes;
    }

    /**
     * The whole engine state in a compact, versioned form (format {@value #VERSION}): configuration,
     * VM key, threshold, clock, pending counters, the three histograms (non-zero entries only),
     * the tracked pages in LRU order (delta-coded varints), with their temporal stamps when
     * temporal sampling is on, and the exact head's pages in LRU order. Linear in the tracked and
     * head pages; a per-thread buffer is reused, so the returned array is the only allocation in
     * steady state.
     */
    public byte[] snapshot() {
        SnapshotOutput out = SCRATCH.get();
        out.reset();
        long[] pages = out.pageScratch(tracker.size());
        int n = tracker.pagesInLruOrder(pages);
        out.writeInt(MAGIC);
        out.writeByte(VERSION);
        out.writeByte(config.mode().ordinal());
        out.writeDouble(config.rate());
        out.writeInt(config.maxPages());
        out.writeLong(config.temporalPeriod());
        out.writeDouble(config.decay());
        out.writeInt(config.pageSize());
        out.writeDouble(config.workingSetTolerance());
        out.writeVarLong(config.headPages());
        out.writeLong(vmKey);
        out.writeLong(threshold);
        out.writeLong(clock);
        out.writeVarLong(pendingReferences);
        out.writeVarLong(pendingCounted);
        out.writeVarLong(n);
        cumulative.writeTo(out);
        window.writeTo(out);
        decayed.writeTo(out);
        out.writeDeltaPages(pages, n);
        if (temporal) {
            // Stamps are periods at or before the current one: small when written as their age.
            long current = clock / config.temporalPeriod();
            out.ensure(10 * n);
            for (int i = 0; i < n; i++) {
                out.writeZigzagUnchecked(current - stamps.get(pages[i]));
            }
        }
        writeHead(out);
        byte[] result = out.toByteArray();
        if (out.retainedBytes() > SCRATCH_KEPT_BYTES) {
            SCRATCH.remove();
        }
        return result;
    }

    /**
     * Rebuilds an engine from {@link #snapshot()} (format 5, or formats 1 to 4 of earlier releases);
     * its fast indexes are rebuilt here in linear time.
     *
     * @throws IllegalArgumentException naming what is wrong and where, for a corrupt snapshot
     */
    public static MrcEngine restore(byte[] snapshot) {
        SnapshotInput in = new SnapshotInput(snapshot);
        if (in.readInt("magic") != MAGIC) {
            throw new IllegalArgumentException("not an MRC engine snapshot (bad magic)");
        }
        int version = in.readUnsignedByte("version");
        if (version < 1 || version > VERSION) {
            throw new IllegalArgumentException("unsupported MRC snapshot version " + version);
        }
        int mode = in.readUnsignedByte("mode");
        if (mode >= MrcConfig.Mode.values().length) {
            throw new IllegalArgumentException("unknown sampling mode " + mode + " in MRC snapshot");
        }
        MrcConfig.Mode m = MrcConfig.Mode.values()[mode];
        double rate = in.readDouble("rate");
        int maxPages = in.readInt("maxPages");
        long temporalPeriod = in.readLong("temporal period");
        double decay = in.readDouble("decay");
        int pageSize = in.readInt("page size");
        double tolerance = in.readDouble("working-set tolerance");
        // Format 3 held the size of a heavy hot set here: such engines carry on without a head.
        long headPages = version < 3 ? 0 : in.readVarLong(version == 3 ? "heavy pages" : "head pages");
        if (headPages > MrcConfig.MAX_HEAD_PAGES) {
            throw new IllegalArgumentException("head pages " + headPages + " out of range in MRC snapshot");
        }
        MrcConfig config;
        try {
            config = new MrcConfig(m, rate, maxPages, temporalPeriod, decay, pageSize, tolerance,
                    version == 3 ? 0 : (int) headPages);
        } catch (IllegalArgumentException bad) {
            throw new IllegalArgumentException("bad configuration in MRC snapshot: " + bad.getMessage(), bad);
        }
        long vmKey = in.readLong("vm key");
        long threshold = in.readLong("threshold");
        if (threshold < 1 || threshold > SpatialHash.ALL) {
            throw new IllegalArgumentException("threshold " + threshold + " out of range in MRC snapshot");
        }
        long clock = in.readLong("clock");
        long pendingReferences = version == 1 ? in.readLong("pending references") : in.readVarLong("pending references");
        long pendingCounted = version == 1 ? in.readLong("pending counted") : in.readVarLong("pending counted");
        long tracked = version == 1 ? -1 : in.readVarLong("tracked pages");
        if (tracked > snapshot.length) {
            // Each page takes at least one byte: a larger count can only be corruption.
            throw new IllegalArgumentException("tracked page count " + tracked + " out of range in MRC snapshot");
        }
        MrcEngine e = new MrcEngine(vmKey, config, (int) Math.max(0, tracked));
        e.threshold = threshold;
        e.rate = SpatialHash.rate(threshold);
        e.hashing = e.hashing || threshold < SpatialHash.ALL;
        e.clock = clock;
        e.pendingReferences = pendingReferences;
        e.pendingCounted = pendingCounted;
        // No exact distance exceeds the pages first touched (the cumulative histogram's cold weight, read
        // first) or tracked, whichever is larger: a corrupt snapshot cannot make a huge array.
        LongSupplier distanceBound = () -> Math.max(Math.max(0, tracked),
                (long) Math.min(Integer.MAX_VALUE - 16, Math.ceil(e.cumulative.cold)));
        e.cumulative.readFrom(in, version, distanceBound);
        e.window.readFrom(in, version, distanceBound);
        e.decayed.readFrom(in, version, distanceBound);
        int n = version == 1 ? in.readInt("tracked pages") : (int) tracked;
        if (n < 0 || n > snapshot.length) {
            // Each page takes at least one byte: a larger count can only be corruption.
            throw new IllegalArgumentException("tracked page count " + n + " out of range in MRC snapshot");
        }
        long[] pages = in.readDeltaPages(n, "tracked page");
        long[] stamps = null;
        if (e.temporal) {
            long current = clock / config.temporalPeriod();
            stamps = new long[n];
            for (int i = 0; i < n; i++) {
                long coded = in.readZigzag("temporal stamp");
                stamps[i] = version == 1 ? coded : current - coded;
            }
        }
        if (version == 3) {
            skipHeavy(in);
            // The hot set's pages above the threshold were tracked besides the sample: not any more.
            int kept = 0;
            for (int i = 0; i < n; i++) {
                if (SpatialHash.saltedHash(e.salt, pages[i]) < threshold) {
                    pages[kept] = pages[i];
                    if (stamps != null) {
                        stamps[kept] = stamps[i];
                    }
                    kept++;
                }
            }
            n = kept;
        }
        e.tracker.loadInLruOrder(pages, n);
        if (e.heap != null) {
            for (int i = 0; i < n; i++) {
                e.heap.append(SpatialHash.saltedHash(e.salt, pages[i]), pages[i]);
            }
            e.heap.heapify();
        }
        if (stamps != null) {
            for (int i = 0; i < n; i++) {
                e.stamps.put(pages[i], stamps[i]);
            }
        }
        if (version >= 4) {
            e.readHead(in);
        } else {
            e.head = null;
        }
        if (!in.atEnd()) {
            throw new IllegalArgumentException("trailing bytes after MRC snapshot at byte " + in.position()
                    + " of " + snapshot.length);
        }
        return e;
    }

    /** Head section: a presence byte (0 when off), then the head's pages in LRU order, delta-coded. */
    private void writeHead(SnapshotOutput out) {
        out.writeByte(head == null ? 0 : 1);
        if (head == null) {
            return;
        }
        // The tracked pages are written already: their scratch is free again.
        long[] pages = out.pageScratch(head.size());
        int n = head.pagesInLruOrder(pages);
        out.writeVarLong(n);
        out.writeDeltaPages(pages, n);
    }

    private void readHead(SnapshotInput in) {
        int present = in.readUnsignedByte("head presence");
        if (present > 1) {
            throw new IllegalArgumentException("head presence byte " + present + " in MRC snapshot");
        }
        if (present == 0) {
            // Off by configuration, or ended by a pre-filter.
            head = null;
            return;
        }
        if (head == null) {
            throw new IllegalArgumentException("head section in MRC snapshot of an engine without a head");
        }
        long n = in.readVarLong("head page count");
        if (n > config.headPages()) {
            throw new IllegalArgumentException("head page count " + n + " above its size " + config.headPages()
                    + " in MRC snapshot");
        }
        long[] pages = in.readDeltaPages((int) n, "head page");
        for (long page : pages) {
            if (SpatialHash.saltedHash(salt, page) < threshold) {
                sampledInHead++;
            }
        }
        head.loadInLruOrder(pages, pages.length);
    }

    /** Reads past a format 3 heavy section (a hot set the exact head replaced). */
    private static void skipHeavy(SnapshotInput in) {
        int present = in.readUnsignedByte("heavy presence");
        if (present > 1) {
            throw new IllegalArgumentException("heavy presence byte " + present + " in MRC snapshot");
        }
        if (present == 0) {
            return;
        }
        in.readVarLong("heavy sketch updates");
        in.readVarLong("heavy references");
        in.readVarLong("heavy hand");
        long size = in.readVarLong("heavy page count");
        if (size > MrcConfig.MAX_HEAD_PAGES) {
            throw new IllegalArgumentException("heavy page count " + size + " out of range in MRC snapshot");
        }
        for (long i = 0; i < 4 * size; i++) {
            in.readVarLong("heavy member");
        }
        // The sketch: 2 rows of 2^15 4-bit counters, two per byte.
        for (int i = 0; i < 1 << 15; i++) {
            in.readUnsignedByte("heavy sketch counters");
        }
    }
}
