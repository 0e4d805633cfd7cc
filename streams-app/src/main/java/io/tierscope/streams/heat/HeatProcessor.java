package io.tierscope.streams.heat;

import io.tierscope.analytics.heat.ChunkHeat;
import io.tierscope.analytics.heat.HeatBit;
import io.tierscope.analytics.heat.HeatBitmaps;
import io.tierscope.analytics.heat.HeatChanges;
import io.tierscope.analytics.heat.ScanOutcome;
import io.tierscope.avro.AdScan;
import io.tierscope.topics.EndOfInput;
import io.tierscope.avro.HeatChange;
import io.tierscope.avro.HeatSummary;
import io.tierscope.avro.PageHeatChunk;
import io.tierscope.avro.SampleBatch;
import io.tierscope.schemas.ScanSequence;
import io.tierscope.streams.metrics.TopologySensors;
import io.tierscope.streams.window.TumblingWindows;
import org.apache.kafka.common.metrics.Sensor;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A/D scans (or sampled pages per period) -> per (VM, gfn chunk) heat states (US 9,063,866 B1) in
 * the changelogged {@value #CHUNKS_STORE} store -> heat changes, page heat, per-VM summaries.
 *
 * <ul>
 *   <li>A scan is cut at chunk boundaries; each piece is applied to its chunk's {@link ChunkHeat}
 *       and the chunk is written back (one store write per applied piece: under exactly-once only
 *       the store survives a crash, so nothing else may hold state). Duplicated and reordered
 *       scans are ignored by scan sequence and change nothing, outputs included; a restarted
 *       collector's scans carry a newer incarnation ({@link ScanSequence}) and apply. Missed periods
 *       follow {@link HeatConfig#gapPolicy()}. A piece of another length than the chunk resizes it
 *       (VM memory grew or shrank at its end). With {@link HeatConfig.Source#SAMPLES}, each closed
 *       sampling period of a VM is such a scan of all its chunks.</li>
 *   <li>{@link HeatChange}: per applied piece and bit, the pages that became hot or went cold.</li>
 *   <li>{@link HeatSummary} once per VM per window, and with it the {@link PageHeatChunk} of every
 *       chunk whose states changed since it was last published (not per scan: a 1 TiB host would
 *       publish 256 MiB per period). A VM's window is summarised when the VM's first scan of a
 *       later window arrives (its states are then exactly those at the window's end), or, for a VM
 *       that went quiet, when the task's event time (newest scan of any VM) passes its end + grace.</li>
 *   <li>TTL in event time (the newest scan time the task has seen), not wall-clock: outputs stay
 *       a function of the input (a replay after a crash, or a topology paused by a broker outage,
 *       does not expire VMs that were alive in event time). A chunk no longer scanned for the TTL while its VM still is (memory shrank by
 *       whole chunks) is dropped at the VM's next summary; a VM without any scan for the TTL is
 *       dropped whole. Dropped chunks get a PAGE_HEAT tombstone.</li>
 * </ul>
 */
public final class HeatProcessor implements Processor<String, Object, Object, Object> {
    public static final String CHUNKS_STORE = "heat-chunks";
    public static final String VMS_STORE = "heat-vms";
    /** Only when samples drive heat: each VM's open sampling period. */
    public static final String SAMPLE_PERIODS_STORE = "heat-sample-periods";
    private static final Logger LOG = LoggerFactory.getLogger(HeatProcessor.class);
    /** applyPiece's period for sampled periods, whose sequence is the period index itself. */
    private static final int SEQUENCE_COUNTS_PERIODS = 0;

    private final HeatConfig config;
    private final TumblingWindows windows;
    private final String pageHeatChild;
    private final String changesChild;
    private final String summaryChild;
    private final StringSerializer keySerializer = new StringSerializer();
    private ProcessorContext<Object, Object> context;
    private Sensor summariesClosed;
    private Sensor lateBatches;
    private KeyValueStore<String, byte[]> chunks;
    private KeyValueStore<String, VmHeatProgress> vms;
    private KeyValueStore<String, byte[]> samplePeriods;

    public HeatProcessor(HeatConfig config, TumblingWindows windows, String pageHeatChild, String changesChild,
                         String summaryChild) {
        this.config = config;
        this.windows = windows;
        this.pageHeatChild = pageHeatChild;
        this.changesChild = changesChild;
        this.summaryChild = summaryChild;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        this.summariesClosed = TopologySensors.windowsClosed(context.metrics(), TopologySensors.Output.HEAT);
        this.lateBatches = TopologySensors.lateBatches(context.metrics(), TopologySensors.Output.HEAT);
        this.chunks = context.getStateStore(CHUNKS_STORE);
        this.vms = context.getStateStore(VMS_STORE);
        this.samplePeriods = config.source() == HeatConfig.Source.SAMPLES ? context.getStateStore(SAMPLE_PERIODS_STORE) : null;
        long every = Math.max(100, Math.min(1000, windows.sizeMs() / 4));
        context.schedule(Duration.ofMillis(every), PunctuationType.STREAM_TIME, this::onStreamTime);
    }

    @Override
    public void process(Record<String, Object> record) {
        Object value = record.value();
        boolean last = EndOfInput.marks(record.headers());
        if (value instanceof AdScan scan) {
            onScan(record.key(), scan);
            if (last) {
                endOfInput(record.key());
            }
        } else if (value instanceof SampleBatch batch) {
            onSamples(record.key(), batch);
            if (last) {
                SamplePeriod open = openPeriod(record.key());
                if (open != null) {
                    closePeriod(record.key(), open);
                }
                endOfInput(record.key());
            }
        } else {
            throw new IllegalArgumentException("heat processor got a record of type "
                    + (value == null ? "null" : value.getClass().getName()) + " for VM " + record.key());
        }
    }

    /** The VM's input ended ({@link EndOfInput}): its open window is summarized now, not once event time passes it. */
    private void endOfInput(String vm) {
        VmHeatProgress p = vms.get(vm);
        if (p != null && p.hasOpenWindow()) {
            vms.put(vm, summarize(vm, p));
        }
    }

    /** A period's place in its VM's windows; reaching a later window first summarises the open one. */
    private record Arrival(VmHeatProgress progress, long window, boolean late) {
    }

    private Arrival arrive(String vm, long time) {
        long window = windows.startOf(time);
        VmHeatProgress p = progressOf(vm).seen(time);
        boolean late = false;
        if (p.openWindowStartMs() == Long.MIN_VALUE) {
            p = p.opened(window);
        } else if (window > p.openWindowStartMs()) {
            if (p.hasOpenWindow()) {
                p = summarize(vm, p);
            }
            p = p.opened(window);
        } else if (window < p.openWindowStartMs() || !p.hasOpenWindow()) {
            late = true;
            lateBatches.record();
        }
        return new Arrival(p, window, late);
    }

    private void onScan(String vm, AdScan scan) {
        long time = scan.getTimeMs();
        Arrival arrival = arrive(vm, time);
        byte[] accessed = HeatScanChecks.bytes(scan.getAccessed());
        byte[] dirty = scan.getDirty() == null ? null : HeatScanChecks.bytes(scan.getDirty());
        int count = scan.getPageCount();
        int chunkPages = config.chunkPages();
        boolean applied = false;
        long missed = 0;
        for (long from = 0; from < count; from += chunkPages) {
            int pages = (int) Math.min(chunkPages, count - from);
            boolean whole = from == 0 && pages == count;
            byte[] a = whole ? accessed : HeatBitmaps.slice(accessed, from, pages);
            byte[] d = dirty == null ? null : whole ? dirty : HeatBitmaps.slice(dirty, from, pages);
            long chunkIndex = (scan.getBaseGfn() + from) / chunkPages;
            ScanOutcome outcome = applyPiece(vm, chunkIndex, scan.getScanSeq(), scan.getPeriodMs(), time, arrival.window,
                    arrival.late, pages, a, d);
            if (outcome != null) {
                applied = true;
                missed = Math.max(missed, outcome.missedPeriods());
            }
        }
        vms.put(vm, arrival.progress.counted(applied, arrival.late, missed));
    }

    /**
     * Samples drive heat: a batch joins its VM's open sampling period (the period of its end
     * time); a batch of a later period first closes the open one. A batch of an earlier period
     * joins the open period (its accesses happened; dropping them would make pages look colder)
     * and is counted late.
     */
    private void onSamples(String vm, SampleBatch batch) {
        long period = Math.floorDiv(batch.getEndTimeMs(), config.samplePeriod().toMillis());
        SamplePeriod open = openPeriod(vm);
        if (open != null && period > open.index) {
            closePeriod(vm, open);
            open = null;
        }
        VmHeatProgress p = progressOf(vm).seen(batch.getEndTimeMs());
        if (open != null && period < open.index) {
            p = p.withLate();
        }
        if (open == null) {
            open = SamplePeriod.empty(period);
        }
        samplePeriods.put(vm, open.with(batch.getSamples(), batch.getSampleCount()).toBytes());
        vms.put(vm, p);
    }

    /**
     * Applies a closed sampling period as one scan (sequence = period index) to every chunk the VM
     * has and every chunk it sampled: unsampled means idle for this period, so chunks without
     * samples cool down in step instead of freezing.
     */
    private void closePeriod(String vm, SamplePeriod period) {
        long periodMs = config.samplePeriod().toMillis();
        long time = (period.index + 1) * periodMs - 1;
        Arrival arrival = arrive(vm, time);
        int chunkPages = config.chunkPages();
        TreeSet<Long> chunkIndexes = new TreeSet<>(); // one entry per chunk, not per page
        for (long c : period.sampledChunks(chunkPages)) {
            chunkIndexes.add(c);
        }
        try (KeyValueIterator<String, byte[]> it = chunks.prefixScan(ChunkKeys.storePrefix(vm), keySerializer)) {
            it.forEachRemaining(kv -> chunkIndexes.add(ChunkKeys.chunkIndexOf(vm, kv.key)));
        }
        boolean applied = false;
        long missed = 0;
        for (long chunkIndex : chunkIndexes) {
            byte[][] bitmaps = period.bitmaps(chunkIndex, chunkPages);
            ScanOutcome outcome = applyPiece(vm, chunkIndex, period.index, SEQUENCE_COUNTS_PERIODS, time, arrival.window,
                    arrival.late, chunkPages, bitmaps[0], bitmaps[1]);
            if (outcome != null) {
                applied = true;
                missed = Math.max(missed, outcome.missedPeriods());
            }
        }
        vms.put(vm, arrival.progress.counted(applied, arrival.late, missed));
        samplePeriods.delete(vm);
    }

    private SamplePeriod openPeriod(String vm) {
        byte[] bytes = samplePeriods.get(vm);
        return bytes == null ? null : SamplePeriod.fromBytes(vm, bytes);
    }

    /**
     * @param periodMs the scan period, to measure a gap between two collector runs by time (see
     *                 {@link ScanSequence}); {@link #SEQUENCE_COUNTS_PERIODS} when sequence numbers always count periods
     * @return the outcome, or null when the chunk had seen this scan sequence or a newer one
     */
    private ScanOutcome applyPiece(String vm, long chunkIndex, long scanSeq, int periodMs, long time, long window,
                                   boolean late, int pages, byte[] accessed, byte[] dirty) {
        String key = ChunkKeys.storeKey(vm, chunkIndex);
        StoredChunk chunk = load(key);
        if (chunk == null || !chunk.heat.table().name().equals(config.classifier().name())) {
            // New chunk, or the classifier was changed in the config: start over with the configured one.
            ChunkHeat heat = new ChunkHeat(config.classifier(), config.gapPolicy(), chunkIndex * config.chunkPages(), pages);
            chunk = new StoredChunk(heat, time, window, true);
        }
        ChunkHeat heat = chunk.heat;
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
        if (!late) {
            if (chunk.windowStartMs != window) {
                chunk.startWindow(window);
            }
            chunk.addToWindow(accessed, dirty);
        }
        chunk.lastScanTimeMs = Math.max(chunk.lastScanTimeMs, time);
        chunks.put(key, chunk.toBytes());
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
        context.forward(new Record<Object, Object>(vm, change, time), changesChild);
    }

    /**
     * Emits the summary of the VM's open window, publishes its changed chunks and drops chunks
     * not scanned for the TTL while the VM was; returns the progress after it.
     */
    private VmHeatProgress summarize(String vm, VmHeatProgress p) {
        long start = p.openWindowStartMs();
        long end = windows.endOf(start);
        SummaryBuilder summary = new SummaryBuilder(config.classifier(), start, config.hottestInSummary());
        List<String> toPublish = new ArrayList<>();
        List<String> expired = new ArrayList<>();
        long expireBefore = p.lastEventTimeMs() - config.ttl().toMillis();
        try (KeyValueIterator<String, byte[]> it = chunks.prefixScan(ChunkKeys.storePrefix(vm), keySerializer)) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                StoredChunk chunk = StoredChunk.fromBytes(kv.key, kv.value, config.gapPolicy());
                if (chunk.lastScanTimeMs <= expireBefore) {
                    expired.add(kv.key);
                    continue;
                }
                summary.add(chunk);
                if (chunk.unpublished) {
                    toPublish.add(kv.key);
                    long chunkIndex = ChunkKeys.chunkIndexOf(vm, kv.key);
                    context.forward(new Record<Object, Object>(ChunkKeys.topicKey(vm, chunkIndex),
                            pageHeat(vm, chunkIndex, chunk), end - 1), pageHeatChild);
                }
            }
        }
        for (String key : toPublish) {
            StoredChunk chunk = StoredChunk.fromBytes(key, chunks.get(key), config.gapPolicy());
            chunk.unpublished = false;
            chunks.put(key, chunk.toBytes());
        }
        for (String key : expired) {
            dropChunk(vm, key, end - 1);
        }
        if (!expired.isEmpty()) {
            LOG.info("VM {}: dropped {} heat chunk(s) without a scan for {} ms (memory shrank)", vm, expired.size(),
                    config.ttl().toMillis());
        }
        HeatSummary out = summary.build(vm, end, p);
        context.forward(new Record<Object, Object>(vm, out, end - 1), summaryChild);
        summariesClosed.record();
        return p.summarized(end);
    }

    private PageHeatChunk pageHeat(String vm, long chunkIndex, StoredChunk chunk) {
        ChunkHeat heat = chunk.heat;
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
                .build();
    }

    /**
     * Closes windows of quiet VMs and drops VMs gone for the TTL. "Now" is the task's newest scan
     * event time (the largest lastEventTimeMs of its VMs), not Kafka's stream time: that follows
     * the records' timestamps, which a collector may set to its send time, while windows and TTL
     * are in the scans' own time. The punctuation only says when to look.
     */
    private void onStreamTime(long ignoredStreamTime) {
        long now = newestEventTime();
        if (samplePeriods != null) {
            List<KeyValue<String, byte[]>> open = new ArrayList<>();
            try (KeyValueIterator<String, byte[]> it = samplePeriods.all()) {
                it.forEachRemaining(open::add);
            }
            long periodMs = config.samplePeriod().toMillis();
            for (KeyValue<String, byte[]> kv : open) {
                SamplePeriod period = SamplePeriod.fromBytes(kv.key, kv.value);
                if ((period.index + 1) * periodMs + windows.graceMs() <= now) {
                    closePeriod(kv.key, period); // the VM went quiet: its last period would otherwise wait for ever
                }
            }
        }
        List<KeyValue<String, VmHeatProgress>> all = new ArrayList<>();
        try (KeyValueIterator<String, VmHeatProgress> it = vms.all()) {
            it.forEachRemaining(all::add);
        }
        for (KeyValue<String, VmHeatProgress> kv : all) {
            VmHeatProgress p = kv.value;
            boolean gone = p.lastEventTimeMs() + config.ttl().toMillis() <= now;
            if (p.hasOpenWindow() && (gone || windows.closed(p.openWindowStartMs(), now))) {
                p = summarize(kv.key, p);
                vms.put(kv.key, p);
            }
            if (gone) {
                dropVm(kv.key, now);
            }
        }
    }

    private long newestEventTime() {
        long now = Long.MIN_VALUE;
        try (KeyValueIterator<String, VmHeatProgress> it = vms.all()) {
            while (it.hasNext()) {
                now = Math.max(now, it.next().value.lastEventTimeMs());
            }
        }
        return now;
    }

    private void dropVm(String vm, long now) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = chunks.prefixScan(ChunkKeys.storePrefix(vm), keySerializer)) {
            it.forEachRemaining(kv -> keys.add(kv.key));
        }
        for (String key : keys) {
            dropChunk(vm, key, now);
        }
        vms.delete(vm);
        if (samplePeriods != null) {
            samplePeriods.delete(vm);
        }
        LOG.info("VM {}: no scan for {} ms of event time; dropped its heat state ({} chunks)", vm,
                config.ttl().toMillis(), keys.size());
    }

    private void dropChunk(String vm, String key, long timestamp) {
        chunks.delete(key);
        context.forward(new Record<Object, Object>(ChunkKeys.topicKey(vm, ChunkKeys.chunkIndexOf(vm, key)), null, timestamp),
                pageHeatChild);
    }

    private StoredChunk load(String key) {
        byte[] bytes = chunks.get(key);
        return bytes == null ? null : StoredChunk.fromBytes(key, bytes, config.gapPolicy());
    }

    private VmHeatProgress progressOf(String vm) {
        VmHeatProgress p = vms.get(vm);
        return p == null ? VmHeatProgress.NONE : p;
    }
}
