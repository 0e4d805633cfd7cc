package io.tierscope.streams.heat;

import io.tierscope.analytics.heat.ChunkHeat;
import io.tierscope.analytics.heat.HeatBit;
import io.tierscope.analytics.heat.HeatBitmaps;
import io.tierscope.analytics.heat.HeatChanges;
import io.tierscope.analytics.heat.ScanOutcome;
import io.tierscope.avro.AdScan;
import io.tierscope.avro.HeatChange;
import io.tierscope.avro.HeatSummary;
import io.tierscope.avro.PageHeatChunk;
import io.tierscope.streams.window.TumblingWindows;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * A/D scans -> per (VM, gfn chunk) heat states (US 9,063,866 B1) in the changelogged
 * {@value #CHUNKS_STORE} store -> heat changes, page heat, per-VM summaries.
 *
 * <ul>
 *   <li>A scan is cut at chunk boundaries; each piece is applied to its chunk's {@link ChunkHeat}
 *       and the chunk is written back (one store write per applied piece: under exactly-once only
 *       the store survives a crash, so nothing else may hold state). Duplicated and reordered
 *       scans are ignored by scan sequence and change nothing, outputs included. Missed periods
 *       follow {@link HeatConfig#gapPolicy()}. A piece of another length than the chunk resizes it
 *       (VM memory grew or shrank at its end).</li>
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
public final class HeatProcessor implements Processor<String, AdScan, Object, Object> {
    public static final String CHUNKS_STORE = "heat-chunks";
    public static final String VMS_STORE = "heat-vms";
    private static final Logger LOG = LoggerFactory.getLogger(HeatProcessor.class);

    private final HeatConfig config;
    private final TumblingWindows windows;
    private final String pageHeatChild;
    private final String changesChild;
    private final String summaryChild;
    private final StringSerializer keySerializer = new StringSerializer();
    private ProcessorContext<Object, Object> context;
    private KeyValueStore<String, byte[]> chunks;
    private KeyValueStore<String, VmHeatProgress> vms;

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
        this.chunks = context.getStateStore(CHUNKS_STORE);
        this.vms = context.getStateStore(VMS_STORE);
        long every = Math.max(100, Math.min(1000, windows.sizeMs() / 4));
        context.schedule(Duration.ofMillis(every), PunctuationType.STREAM_TIME, this::onStreamTime);
    }

    @Override
    public void process(Record<String, AdScan> record) {
        String vm = record.key();
        AdScan scan = record.value();
        long time = scan.getTimeMs();
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
        }

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
            ScanOutcome outcome = applyPiece(vm, chunkIndex, scan.getScanSeq(), time, window, late, pages, a, d);
            if (outcome != null) {
                applied = true;
                missed = Math.max(missed, outcome.missedPeriods());
            }
        }
        vms.put(vm, p.counted(applied, late, missed));
    }

    /** @return the outcome, or null when the chunk had seen this scan sequence or a newer one */
    private ScanOutcome applyPiece(String vm, long chunkIndex, long scanSeq, long time, long window, boolean late,
                                   int pages, byte[] accessed, byte[] dirty) {
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
        ScanOutcome outcome = heat.apply(scanSeq, accessed, dirty);
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
        long expireBefore = p.lastScanTimeMs() - config.ttl().toMillis();
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
                    long chunkIndex = chunkIndexOf(vm, kv.key);
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
     * event time (the largest lastScanTimeMs of its VMs), not Kafka's stream time: that follows
     * the records' timestamps, which a collector may set to its send time, while windows and TTL
     * are in the scans' own time. The punctuation only says when to look.
     */
    private void onStreamTime(long ignoredStreamTime) {
        List<KeyValue<String, VmHeatProgress>> all = new ArrayList<>();
        long now = Long.MIN_VALUE;
        try (KeyValueIterator<String, VmHeatProgress> it = vms.all()) {
            while (it.hasNext()) {
                KeyValue<String, VmHeatProgress> kv = it.next();
                all.add(kv);
                now = Math.max(now, kv.value.lastScanTimeMs());
            }
        }
        for (KeyValue<String, VmHeatProgress> kv : all) {
            VmHeatProgress p = kv.value;
            boolean gone = p.lastScanTimeMs() + config.ttl().toMillis() <= now;
            if (p.hasOpenWindow() && (gone || windows.closed(p.openWindowStartMs(), now))) {
                p = summarize(kv.key, p);
                vms.put(kv.key, p);
            }
            if (gone) {
                dropVm(kv.key, now);
            }
        }
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
        LOG.info("VM {}: no scan for {} ms of event time; dropped its heat state ({} chunks)", vm,
                config.ttl().toMillis(), keys.size());
    }

    private void dropChunk(String vm, String key, long timestamp) {
        chunks.delete(key);
        context.forward(new Record<Object, Object>(ChunkKeys.topicKey(vm, chunkIndexOf(vm, key)), null, timestamp),
                pageHeatChild);
    }

    private static long chunkIndexOf(String vm, String storeKey) {
        return Long.parseLong(storeKey.substring(ChunkKeys.storePrefix(vm).length()));
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
