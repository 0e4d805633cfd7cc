package io.tierscope.analytics.mrc;

import io.tierscope.analytics.sampling.SpatialHash;

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
 * <p>Hybrid sampling (sampled modes, {@link MrcConfig#heavyPages()} > 0): on skewed workloads a
 * few hot pages carry much of the references, and whether the spatial hash happens to pick them
 * decides most of a SHARDS curve's error. Following Carra and Neglia ("Efficient miss ratio
 * curve computation for heavy-tailed workloads"), the hot head ({@link HeavySet}) is tracked
 * exactly whatever its hash, weight 1, while the rest stays sampled, weight 1/R. A reuse
 * distance is then (heavy pages between) + (sampled tail pages between) / R, both counts from
 * one Fenwick walk ({@link LruStackDistance}). For a heavy page's reuse the tail part is also
 * capped by the references to non-heavy pages since its previous reference, counted exactly:
 * short reuses of hot pages, whose gaps hold few tail pages, are not blown up to ~1/R.
 *
 * <p>Bias, documented: a page promoted from outside the sample has no history, so its promoting
 * reference is not measured; it is left to the SHARDS_adj correction (booked as a near reuse,
 * which a hot page's next reference most likely is) - one reference per promotion, which the
 * head's hysteresis keeps rare. A page leaving the head goes back to being sampled or not by its
 * hash. The heavy pages above the threshold are tracked besides the S_max sample.
 */
public final class MrcEngine {
    /** Which histogram a curve is computed from. */
    public enum Histogram { CUMULATIVE, WINDOW, DECAYED }

    private static final int MAGIC = 0x4d524353; // "MRCS"
    /**
     * Snapshot format written: 3 adds the heavy head (hybrid sampling). Formats 1 (fixed-width
     * fields) and 2 are still read; they were written by plain SHARDS engines, so they restore as
     * such (heavyPages 0) and carry on exactly as they would have.
     */
    private static final int VERSION = 3;
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
    /** Heavy head tracked exactly (hybrid sampling); null when off (exact mode, or a pre-filter was declared). */
    private HeavySet heavy;
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
        this.heavy = hashing && config.heavyPages() > 0 ? new HeavySet(config.heavyPages()) : null;
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
        int member = -1;
        if (hashing) {
            h = SpatialHash.saltedHash(salt, gfn);
            if (heavy != null) {
                member = heavy.slotOf(gfn, h);
            }
            if (h >= threshold) {
                if (member < 0) {
                    if (heavy != null) {
                        int estimate = heavy.offer(h);
                        if (estimate >= HeavySet.PROMOTE) {
                            // No earlier history: this reference is left to SHARDS_adj (see class doc).
                            promote(gfn, h, estimate, false);
                        }
                    }
                    return;
                }
            } else if (heavy != null && member < 0 && tracker.contains(gfn)) {
                // (A sampled page's first reference is left out: it has to enter the sample first.)
                int estimate = heavy.offer(h);
                if (estimate >= HeavySet.PROMOTE) {
                    // A sampled page turning heavy keeps its access time: its distance stays exact.
                    member = promote(gfn, h, estimate, true);
                }
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
            if (heavy == null || tracker.heavySize() == 0) {
                cumulative.recordDistance(distance, rate);
                window.recordDistance(distance, rate);
                return;
            }
            recordHybrid(member, distance);
            return;
        }
        cumulative.recordCold(rate);
        window.recordCold(rate);
        if (heap != null) {
            heap.push(h, gfn);
            if (heap.size() > config.maxPages()) {
                lowerThreshold();
            }
        }
    }

    /**
     * A reuse when some tracked pages are heavy: heavy pages between count 1 each, sampled tail
     * pages 1/R each (SHARDS scaling); a heavy page's reference weighs 1, a tail page's 1/R.
     */
    private void recordHybrid(int member, long distance) {
        int heavyBetween = tracker.lastHeavyBetween();
        if (member >= 0) {
            // Tail pages between: the SHARDS estimate ((sampled + 1) / R, the page itself as the
            // d-th sample, minus itself), capped by the tail references between, which are
            // counted exactly: a hot page's short reuses then are not pushed out to ~1/R.
            long tailReferences = heavy.hit(member, references());
            long tailBetween = distance - 1 - heavyBetween;
            double sampledEstimate = (tailBetween + 1) / rate - 1;
            long estimate = 1 + heavyBetween + Math.round(Math.min(tailReferences, sampledEstimate));
            cumulative.recordWeighted(estimate, 1);
            window.recordWeighted(estimate, 1);
            return;
        }
        long tail = distance - heavyBetween;
        if (heavyBetween == 0) {
            cumulative.recordDistance(tail, rate);
            window.recordDistance(tail, rate);
            return;
        }
        long estimate = heavyBetween + (long) Math.ceil(tail / rate);
        cumulative.recordWeighted(estimate, 1 / rate);
        window.recordWeighted(estimate, 1 / rate);
    }

    /** Makes {@code gfn} heavy if it gets a slot (see {@link HeavySet#slotFor}), demoting the member it replaces. */
    /** Returns the slot {@code gfn} took, or -1 when it stays out. */
    private int promote(long gfn, long h, int estimate, boolean tracked) {
        int slot = heavy.slotFor(estimate);
        if (slot < 0) {
            return -1;
        }
        if (slot < heavy.size()) {
            demote(heavy.pages[slot], heavy.hashes[slot]);
        }
        heavy.put(slot, gfn, h, estimate);
        if (tracked) {
            tracker.setHeavy(gfn, true);
        } else {
            tracker.insertHeavy(gfn);
        }
        return slot;
    }

    /** A page leaving the heavy set goes back to the tail: kept as a sample below the threshold, else forgotten. */
    private void demote(long page, long h) {
        if (h < threshold) {
            tracker.setHeavy(page, false);
        } else {
            forget(page);
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
     * <p>Any declared rate below 1 ends hybrid sampling for good (see {@link #endHybrid}): the
     * collector dropped references of pages above its threshold, hot ones included, so the heavy
     * head can no longer be found or counted exactly.
     */
    public void declarePrefilterRate(double prefilterRate) {
        long t = SpatialHash.thresholdForRate(prefilterRate);
        if (t < SpatialHash.ALL && heavy != null) {
            endHybrid();
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

    /**
     * Ends hybrid sampling: members go back to the tail (kept if below the threshold). A
     * pre-filtered stream lacks the references the collector dropped, so heavy pages above its
     * threshold can be neither found nor counted; from here on the engine is plain SHARDS.
     */
    private void endHybrid() {
        for (int i = 0; i < heavy.size(); i++) {
            demote(heavy.pages[i], heavy.hashes[i]);
        }
        heavy.clear();
        heavy = null;
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
            // A heavy page leaves the sample but stays tracked while it is heavy.
            if (!tracker.isHeavy(heap.topPage())) {
                forget(heap.topPage());
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

    /** Pages of the heavy head tracked exactly right now (hybrid sampling). */
    public int heavyPages() {
        return tracker.heavySize();
    }

    /**
     * Pages in the spatial sample (at most S_max in fixed-size mode), heavy ones below the
     * threshold included; heavy pages above it are tracked besides (see {@link #heavyPages()}).
     */
    public int trackedPages() {
        int aside = 0;
        if (heavy != null) {
            for (int i = 0; i < heavy.size(); i++) {
                aside += heavy.hashes[i] >= threshold ? 1 : 0;
            }
        }
        return tracker.size() - aside;
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
        if (heavy != null) {
            bytes += heavy.retainedBytes();
        }
        return bytes;
    }

    /**
     * The whole engine state in a compact, versioned form (format {@value #VERSION}): configuration,
     * VM key, threshold, clock, pending counters, the three histograms (non-zero entries only) and
     * the tracked pages in LRU order (delta-coded varints), with their temporal stamps when
     * temporal sampling is on. Linear in the tracked pages; a per-thread buffer is reused, so the
     * returned array is the only allocation in steady state.
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
        out.writeVarLong(config.heavyPages());
        out.writeLong(vmKey);
        out.writeLong(threshold);
        out.writeLong(clock);
        out.writeVarLong(pendingReferences);
        out.writeVarLong(pendingCounted);
        out.writeVarLong(n);
        writeHistogram(out, cumulative);
        writeHistogram(out, window);
        writeHistogram(out, decayed);
        out.ensure(10 * n);
        long previous = 0;
        for (int i = 0; i < n; i++) {
            out.writeVarLongUnchecked(zigzag(pages[i] - previous));
            previous = pages[i];
        }
        if (temporal) {
            // Stamps are periods at or before the current one: small when written as their age.
            long current = clock / config.temporalPeriod();
            out.ensure(10 * n);
            for (int i = 0; i < n; i++) {
                out.writeVarLongUnchecked(zigzag(current - stamps.get(pages[i])));
            }
        }
        writeHeavy(out);
        byte[] result = out.toByteArray();
        if (out.retainedBytes() > SCRATCH_KEPT_BYTES) {
            SCRATCH.remove();
        }
        return result;
    }

    /**
     * Rebuilds an engine from {@link #snapshot()} (format 2, or format 1 of earlier releases);
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
        long heavyPages = version < 3 ? 0 : in.readVarLong("heavy pages");
        if (heavyPages > MrcConfig.MAX_HEAVY_PAGES) {
            throw new IllegalArgumentException("heavy pages " + heavyPages + " out of range in MRC snapshot");
        }
        MrcConfig config;
        try {
            config = new MrcConfig(m, rate, maxPages, temporalPeriod, decay, pageSize, tolerance, (int) heavyPages);
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
        readHistogram(in, e.cumulative, version);
        readHistogram(in, e.window, version);
        readHistogram(in, e.decayed, version);
        int n = version == 1 ? in.readInt("tracked pages") : (int) tracked;
        if (n < 0 || n > snapshot.length) {
            // Each page takes at least one byte: a larger count can only be corruption.
            throw new IllegalArgumentException("tracked page count " + n + " out of range in MRC snapshot");
        }
        long[] pages = new long[n];
        long previous = 0;
        for (int i = 0; i < n; i++) {
            pages[i] = previous + unzigzag(in.readVarLong("tracked page"));
            previous = pages[i];
        }
        e.tracker.loadInLruOrder(pages, n);
        if (e.heap != null) {
            // The sample is the tracked pages below the threshold; heavy pages above it are not in it.
            for (int i = 0; i < n; i++) {
                long h = SpatialHash.saltedHash(e.salt, pages[i]);
                if (h < threshold) {
                    e.heap.append(h, pages[i]);
                }
            }
            e.heap.heapify();
        }
        if (e.temporal) {
            long current = clock / config.temporalPeriod();
            for (int i = 0; i < n; i++) {
                long coded = unzigzag(in.readVarLong("temporal stamp"));
                e.stamps.put(pages[i], version == 1 ? coded : current - coded);
            }
        }
        if (version >= 3) {
            e.readHeavy(in);
        }
        if (!in.atEnd()) {
            throw new IllegalArgumentException("trailing bytes after MRC snapshot at byte " + in.position()
                    + " of " + snapshot.length);
        }
        return e;
    }

    /**
     * Format 3 heavy section: a presence byte (0 when hybrid sampling is off or was ended by a
     * pre-filter), then the sketch's update count, the heavy reference clock, the CLOCK hand and
     * the members in slot order (page delta, aged hits, reference and heavy-reference clock ages),
     * then the sketch's counters packed two per byte.
     */
    private void writeHeavy(SnapshotOutput out) {
        out.writeByte(heavy == null ? 0 : 1);
        if (heavy == null) {
            return;
        }
        long now = references();
        out.writeVarLong(heavy.updates);
        out.writeVarLong(heavy.heavyReferences);
        out.writeVarLong(heavy.hand);
        out.writeVarLong(heavy.size());
        out.ensure(40 * heavy.size());
        long previous = 0;
        for (int i = 0; i < heavy.size(); i++) {
            out.writeVarLongUnchecked(zigzag(heavy.pages[i] - previous));
            previous = heavy.pages[i];
            out.writeVarLongUnchecked(heavy.hits[i]);
            long last = heavy.lastReference[i];
            out.writeVarLongUnchecked(last == HeavySet.UNKNOWN ? 0 : now - last + 1);
            out.writeVarLongUnchecked(heavy.heavyReferences - heavy.lastHeavyReference[i]);
        }
        // The sketch's 4-bit counters, two per byte: fixed size, and cheaper to write than gap coding.
        byte[] sketch = heavy.sketch;
        out.ensure(sketch.length / 2);
        for (int i = 0; i < sketch.length; i += 2) {
            out.writeByte(sketch[i] | sketch[i + 1] << 4);
        }
    }

    private void readHeavy(SnapshotInput in) {
        int present = in.readUnsignedByte("heavy presence");
        if (present > 1) {
            throw new IllegalArgumentException("heavy presence byte " + present + " in MRC snapshot");
        }
        if (present == 0) {
            heavy = null;
            return;
        }
        if (heavy == null) {
            throw new IllegalArgumentException("heavy section in MRC snapshot of an engine without hybrid sampling");
        }
        long now = references();
        heavy.updates = in.readVarLong("heavy sketch updates");
        heavy.heavyReferences = in.readVarLong("heavy references");
        long hand = in.readVarLong("heavy hand");
        long size = in.readVarLong("heavy page count");
        if (size > heavy.capacity() || hand > size) {
            throw new IllegalArgumentException("heavy page count " + size + " (hand " + hand + ") out of range in MRC snapshot");
        }
        long page = 0;
        for (int i = 0; i < size; i++) {
            page += unzigzag(in.readVarLong("heavy page"));
            long hits = in.readVarLong("heavy hits");
            long age = in.readVarLong("heavy reference age");
            long reference = age == 0 ? HeavySet.UNKNOWN : now - age + 1;
            long heavyReference = heavy.heavyReferences - in.readVarLong("heavy reference count age");
            if (hits > Integer.MAX_VALUE || !tracker.setHeavy(page, true)) {
                throw new IllegalArgumentException("heavy page " + page + " (slot " + i + ") is not tracked or has "
                        + hits + " hits in MRC snapshot");
            }
            heavy.restoreMember(page, SpatialHash.saltedHash(salt, page), (int) hits, reference, heavyReference);
        }
        heavy.hand = (int) hand;
        byte[] sketch = heavy.sketch;
        for (int i = 0; i < sketch.length; i += 2) {
            int packed = in.readUnsignedByte("heavy sketch counters");
            sketch[i] = (byte) (packed & 0xf);
            sketch[i + 1] = (byte) (packed >>> 4);
        }
    }

    /** Format 2: sums, a bitmask of the non-zero near entries and those entries, then non-zero buckets as (gap, count). */
    private static void writeHistogram(SnapshotOutput out, DistanceHistogram h) {
        out.writeDouble(h.cold);
        out.writeDouble(h.samples);
        out.writeDouble(h.total);
        out.writeVarLong(h.references);
        out.writeDouble(h.lastRate);
        long nearMask = 0;
        for (int d = 1; d <= DistanceHistogram.NEAR; d++) {
            if (h.near[d] != 0 || h.nearSamples[d] != 0) {
                nearMask |= 1L << d;
            }
        }
        out.writeLong(nearMask);
        for (int d = 1; d <= DistanceHistogram.NEAR; d++) {
            if ((nearMask & (1L << d)) != 0) {
                out.writeDouble(h.near[d]);
                out.writeDouble(h.nearSamples[d]);
            }
        }
        double[] counts = h.counts;
        int nonZero = 0;
        for (double c : counts) {
            nonZero += c != 0 ? 1 : 0;
        }
        out.writeVarLong(nonZero);
        out.ensure(18 * nonZero);
        int previous = -1;
        for (int b = 0; b < counts.length; b++) {
            if (counts[b] != 0) {
                out.writeVarLongUnchecked(b - previous - 1);
                out.writeDouble(counts[b]);
                previous = b;
            }
        }
    }

    private static void readHistogram(SnapshotInput in, DistanceHistogram h, int version) {
        h.cold = in.readDouble("cold weight");
        h.samples = in.readDouble("samples");
        h.total = in.readDouble("total");
        h.references = version == 1 ? in.readLong("references") : in.readVarLong("references");
        h.lastRate = in.readDouble("last rate");
        long nearMask = version == 1 ? -1L : in.readLong("near mask");
        if ((nearMask & 1) != 0 && version != 1) {
            throw new IllegalArgumentException("near mask has bit 0 set in MRC snapshot");
        }
        for (int d = 1; d <= DistanceHistogram.NEAR; d++) {
            if ((nearMask & (1L << d)) != 0) {
                h.near[d] = in.readDouble("near weight");
                h.nearSamples[d] = in.readDouble("near samples");
            }
        }
        int nonZero = version == 1 ? in.readUnsignedShort("bucket count") : (int) Math.min(Integer.MAX_VALUE,
                in.readVarLong("bucket count"));
        int b = -1;
        for (int i = 0; i < nonZero; i++) {
            if (version == 1) {
                b = in.readUnsignedShort("bucket index");
            } else {
                b += 1 + (int) Math.min(DistanceHistogram.BUCKETS, in.readVarLong("bucket gap"));
            }
            if (b < 0 || b >= h.counts.length) {
                throw new IllegalArgumentException("histogram bucket " + b + " out of range in MRC snapshot");
            }
            h.counts[b] = in.readDouble("bucket count");
        }
    }

    private static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    private static long unzigzag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }
}
