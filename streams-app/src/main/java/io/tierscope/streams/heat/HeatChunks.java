package io.tierscope.streams.heat;

import io.tierscope.analytics.heat.ChunkHeat;
import io.tierscope.analytics.heat.HeatBit;
import io.tierscope.analytics.heat.HeatChanges;
import io.tierscope.analytics.heat.SampledCounts;
import io.tierscope.analytics.heat.ScanOutcome;
import io.tierscope.avro.HeatChange;
import io.tierscope.avro.HeatSummary;
import io.tierscope.avro.PageHeatChunk;
import io.tierscope.schemas.ScanSequence;
import io.tierscope.streams.metrics.TopologySensors;
import io.tierscope.streams.window.EventClock;
import io.tierscope.streams.window.TumblingWindows;
import io.tierscope.streams.window.VmWindow;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What both heat processors ({@link ScanHeatProcessor}, {@link SampleHeatProcessor}) share: the
 * chunk store ({@link HeatStores#CHUNKS}), the VMs' windows ({@link HeatStores#VMS}) and the
 * task's {@link EventClock}, and the outputs derived from them (see {@link HeatTopology} for the
 * rules). One instance per processor instance, bound to its context in {@link #init}.
 */
final class HeatChunks {
    private static final Logger LOG = LoggerFactory.getLogger(HeatChunks.class);
    /** applyPiece's period for sampled periods, whose sequence is the period index itself. */
    static final int SEQUENCE_COUNTS_PERIODS = 0;
    private final HeatConfig config;
    /** The sampled access counts' cooling ({@link HeatConfig#countHalfLifePeriods}; the planner's margins need no half-life). */
    private final SampledCounts sampledCounts;
    private final TumblingWindows windows;
    private final StringSerializer keySerializer = new StringSerializer();
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, StoredChunk> chunks;
    /** The chunks as last written to {@link #chunks}, live (see {@link LiveChunks}). */
    private final LiveChunks live;
    private KeyValueStore<String, VmWindow> vms;
    private EventClock clock;
    private Sensor summariesClosed;
    private Sensor lateBatches;

    HeatChunks(HeatConfig config, TumblingWindows windows) {
        this.config = config;
        this.windows = windows;
        this.sampledCounts = new SampledCounts(config.countHalfLifePeriods());
        this.live = new LiveChunks(config.chunkPages());
    }

    void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.chunks = context.getStateStore(HeatStores.CHUNKS);
        live.clear(); // a task re-initialised after a dirty close restored its store: the store is the truth
        this.vms = context.getStateStore(HeatStores.VMS);
        this.clock = EventClock.recover(vms);
        this.summariesClosed = TopologySensors.windowsClosed(context.metrics(), TopologySensors.Output.HEAT);
        this.lateBatches = TopologySensors.lateBatches(context.metrics(), TopologySensors.Output.HEAT);
    }

    /** The task closed: its live chunks go. */
    void close() {
        live.clear();
    }

    HeatConfig config() {
        return config;
    }

    TumblingWindows windows() {
        return windows;
    }

    long nowMs() {
        return clock.nowMs();
    }

    /** The VM's input ended: its open window is summarized now, not once event time passes it. */
    void endOfInput(String vm) {
        VmWindow p = vms.get(vm);
        if (p != null && p.open()) {
            vms.put(vm, summarize(vm, p));
        }
    }

    /** A period's place in its VM's windows; reaching a later window first summarises the open one. */
    record Arrival(VmWindow progress, long window, boolean late) {
    }

    Arrival arrive(String vm, long time) {
        long window = windows.startOf(time);
        VmWindow p = seen(vm, time);
        if (p.closesOpenWindow(window)) {
            p = summarize(vm, p);
        }
        boolean late = p.isLate(windows, window);
        if (late) {
            lateBatches.record();
        }
        if (!late && !p.open()) {
            p = p.opened(window);
        }
        return new Arrival(p, window, late);
    }

    /** The VM's window after input of event time {@code time} arrived (not yet stored). */
    VmWindow seen(String vm, long time) {
        clock.advance(time);
        VmWindow p = vms.get(vm);
        return (p == null ? VmWindow.NEW_VM : p).seen(time);
    }

    void put(String vm, VmWindow p) {
        vms.put(vm, p);
    }

    /** Indexes of the chunks the store holds for the VM, ascending. */
    void forEachChunkIndex(String vm, Consumer<Long> action) {
        try (KeyValueIterator<String, StoredChunk> it = chunks.prefixScan(ChunkKeys.storePrefix(vm), keySerializer)) {
            it.forEachRemaining(kv -> action.accept(ChunkKeys.chunkIndexOf(vm, kv.key)));
        }
    }

    /**
     * @param periodMs the scan period, to measure a gap between two collector runs by time (see
     *                 {@link ScanSequence}); {@link #SEQUENCE_COUNTS_PERIODS} when sequence numbers always count periods
     * @return the outcome, or null when the chunk had seen this scan sequence or a newer one
     */
    ScanOutcome applyPiece(String vm, long chunkIndex, long scanSeq, int periodMs, long time, long window,
                           boolean late, int pages, byte[] accessed, byte[] dirty) {
        return applyPiece(vm, chunkIndex, scanSeq, periodMs, time, window, late, pages, accessed, dirty, false, null);
    }

    /**
     * As above; with {@code countSamples} the chunk's sampled access counts ({@link SampledCounts}) also
     * advance one period with {@code sampledCounts} (per page, null: none sampled), as sample-driven heat does.
     */
    ScanOutcome applyPiece(String vm, long chunkIndex, long scanSeq, int periodMs, long time, long window,
                           boolean late, int pages, byte[] accessed, byte[] dirty, boolean countSamples, int[] sampledCounts) {
        String key = ChunkKeys.storeKey(vm, chunkIndex);
        try {
            return applyPiece(vm, key, chunkIndex, scanSeq, periodMs, time, window, late, pages, accessed, dirty,
                    countSamples, sampledCounts);
        } catch (RuntimeException e) {
            live.remove(key); // it may be half-changed and not written: the next piece reads the store's
            throw e;
        }
    }

    private ScanOutcome applyPiece(String vm, String key, long chunkIndex, long scanSeq, int periodMs, long time,
                                   long window, boolean late, int pages, byte[] accessed, byte[] dirty,
                                   boolean countSamples, int[] sampledCounts) {
        StoredChunk chunk = get(key);
        if (chunk == null || !chunk.heat().table().name().equals(config.classifier().name())) {
            // New chunk, or the classifier was changed in the config: start over with the configured one.
            ChunkHeat heat = new ChunkHeat(config.classifier(), config.gapPolicy(), chunkIndex * config.chunkPages(), pages);
            chunk = new StoredChunk(heat, time, window, true);
        }
        ChunkHeat heat = chunk.heat();
        if (heat.lastScanSeq() != ChunkHeat.NO_SCAN && scanSeq <= heat.lastScanSeq()) {
            return null; // before any resize: a late copy of a scan from before a resize is stale, not malformed
        }
        boolean resized = heat.pageCount() != pages;
        if (resized) {
            chunk.resize(pages);
        }
        byte[] accessBefore = heat.accessStates();
        byte[] writeBefore = heat.writeStates();
        // A restarted collector starts a new incarnation: its first scan's gap is known by time only.
        ScanOutcome outcome = periodMs == SEQUENCE_COUNTS_PERIODS || heat.lastScanSeq() == ChunkHeat.NO_SCAN
                || ScanSequence.sameRun(scanSeq, heat.lastScanSeq())
                ? heat.apply(scanSeq, accessed, dirty)
                : heat.apply(scanSeq, ScanSequence.periodsBetween(chunk.lastScanTimeMs, time, periodMs), accessed, dirty);
        if (resized || !Arrays.equals(accessBefore, heat.accessStates()) || !Arrays.equals(writeBefore, heat.writeStates())) {
            chunk.unpublished = true;
        }
        if (countSamples) {
            if (chunk.sampledCounts == null) {
                chunk.sampledCounts = new char[pages];
                chunk.unpublished = true; // the record gains its counts
            }
            // The rounding's dither comes from the page's gfn and the sample period (its sequence): deterministic.
            if (this.sampledCounts.update(chunk.sampledCounts, 0, pages, sampledCounts, 0, chunkIndex * config.chunkPages(),
                    scanSeq)) {
                chunk.unpublished = true; // counts cool every period: a chunk is republished until they reach 0
            }
        }
        if (!late) {
            if (chunk.windowStartMs != window) {
                chunk.startWindow(window);
            }
            chunk.addToWindow(accessed, dirty);
        }
        chunk.lastScanTimeMs = Math.max(chunk.lastScanTimeMs, time);
        put(key, chunk);
        emitChanges(vm, chunkIndex, scanSeq, time, io.tierscope.avro.HeatBit.ACCESSED, outcome.changes(HeatBit.ACCESSED));
        emitChanges(vm, chunkIndex, scanSeq, time, io.tierscope.avro.HeatBit.DIRTY, outcome.changes(HeatBit.DIRTY));
        return outcome;
    }

    private void emitChanges(String vm, long chunkIndex, long scanSeq, long time, io.tierscope.avro.HeatBit bit,
                             HeatChanges changes) {
        if (changes.isEmpty()) {
            return;
        }
        HeatChange change = new HeatChange(vm, chunkIndex, scanSeq, time, bit,
                LongListView.of(changes.becameHot()), LongListView.of(changes.becameCold()));
        context.forward(new Record<Object, Object>(vm, change, time), HeatTopology.HEAT_CHANGES_SINK);
    }

    /**
     * Emits the summary of the VM's open window, publishes its changed chunks and drops chunks
     * not scanned for the TTL while the VM was; returns the VM's window after it.
     */
    private VmWindow summarize(String vm, VmWindow p) {
        long start = p.openStartMs();
        long end = windows.endOf(start);
        SummaryBuilder summary = new SummaryBuilder(config.classifier(), start, config.hottestInSummary());
        List<String> toPublish = new ArrayList<>();
        List<String> expired = new ArrayList<>();
        long expireBefore = p.lastEventTimeMs() - config.ttl().toMillis();
        try (KeyValueIterator<String, StoredChunk> it = chunks.prefixScan(ChunkKeys.storePrefix(vm), keySerializer)) {
            while (it.hasNext()) {
                KeyValue<String, StoredChunk> kv = it.next();
                StoredChunk chunk = live.getOrDefault(kv.key, kv.value);
                if (chunk.lastScanTimeMs <= expireBefore) {
                    expired.add(kv.key);
                    continue;
                }
                summary.add(chunk);
                if (chunk.unpublished) {
                    toPublish.add(kv.key);
                    long chunkIndex = ChunkKeys.chunkIndexOf(vm, kv.key);
                    context.forward(new Record<Object, Object>(ChunkKeys.topicKey(vm, chunkIndex),
                            pageHeat(vm, chunkIndex, chunk), end - 1), HeatTopology.PAGE_HEAT_SINK);
                }
            }
        }
        for (String key : toPublish) {
            StoredChunk chunk = get(key);
            chunk.unpublished = false;
            put(key, chunk);
        }
        for (String key : expired) {
            dropChunk(vm, key, end - 1);
        }
        if (!expired.isEmpty()) {
            LOG.info("VM {}: dropped {} heat chunk(s) without a scan for {} ms (memory shrank)", vm, expired.size(),
                    config.ttl().toMillis());
        }
        HeatSummary out = summary.build(vm, end, p);
        context.forward(new Record<Object, Object>(vm, out, end - 1), HeatTopology.HEAT_SUMMARY_SINK);
        summariesClosed.record();
        return p.emitted(end);
    }

    /** The chunk, live if held, else as stored (then held if there is room); null if absent. */
    private StoredChunk get(String key) {
        StoredChunk chunk = live.get(key);
        if (chunk == null) {
            chunk = chunks.get(key);
            if (chunk != null) {
                live.offer(key, chunk);
            }
        }
        return chunk;
    }

    /** Writes the chunk through to the store (and its changelog): under exactly-once only the store survives a crash. */
    private void put(String key, StoredChunk chunk) {
        chunks.put(key, chunk);
        live.offer(key, chunk);
    }

    private static PageHeatChunk pageHeat(String vm, long chunkIndex, StoredChunk chunk) {
        ChunkHeat heat = chunk.heat();
        byte[] write = heat.writeStates();
        return PageHeatChunk.newBuilder()
                .setVmId(vm)
                .setChunkIndex(chunkIndex)
                .setBaseGfn(heat.baseGfn())
                .setPageCount(heat.pageCount())
                .setLastScanSeq(heat.lastScanSeq())
                .setTimeMs(chunk.lastScanTimeMs)
                .setClassifier(heat.table().name())
                .setAccessStates(ByteBuffer.wrap(heat.accessStates()))
                .setWriteStates(write == null ? null : ByteBuffer.wrap(write))
                .setSampledCounts(chunk.sampledCounts == null ? null : ByteBuffer.wrap(SampledCounts.toBytes(chunk.sampledCounts)))
                .build();
    }

    /**
     * Closes the open windows of VMs quiet since before {@code now} - grace and drops VMs gone for
     * the TTL ({@code onDropped} is told each).
     */
    void closeQuietWindows(long now, Consumer<String> onDropped) {
        List<KeyValue<String, VmWindow>> all = new ArrayList<>();
        try (KeyValueIterator<String, VmWindow> it = vms.all()) {
            it.forEachRemaining(all::add);
        }
        for (KeyValue<String, VmWindow> kv : all) {
            VmWindow p = kv.value;
            boolean gone = p.lastEventTimeMs() + config.ttl().toMillis() <= now;
            if (p.open() && (gone || windows.closed(p.openStartMs(), now))) {
                p = summarize(kv.key, p);
                vms.put(kv.key, p);
            }
            if (gone) {
                dropVm(kv.key, now);
                onDropped.accept(kv.key);
            }
        }
    }

    private void dropVm(String vm, long now) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, StoredChunk> it = chunks.prefixScan(ChunkKeys.storePrefix(vm), keySerializer)) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        for (String key : keys) {
            dropChunk(vm, key, now);
        }
        vms.delete(vm);
        LOG.info("VM {}: no scan for {} ms of event time; dropped its heat state ({} chunks)", vm,
                config.ttl().toMillis(), keys.size());
    }

    private void dropChunk(String vm, String key, long timestamp) {
        live.remove(key);
        chunks.delete(key);
        context.forward(new Record<Object, Object>(ChunkKeys.topicKey(vm, ChunkKeys.chunkIndexOf(vm, key)), null, timestamp),
                HeatTopology.PAGE_HEAT_SINK);
    }
}
