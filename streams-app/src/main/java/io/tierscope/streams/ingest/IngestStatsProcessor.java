package io.tierscope.streams.ingest;

import io.tierscope.avro.IngestStats;
import io.tierscope.avro.SampleBatch;
import io.tierscope.streams.metrics.TopologySensors;
import io.tierscope.streams.window.EventClock;
import io.tierscope.streams.window.TumblingWindows;
import io.tierscope.streams.window.VmWindow;
import io.tierscope.topics.EndOfInput;
import java.util.ArrayList;
import java.util.List;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Counts, per VM and event-time window, the sample batches and samples that arrived and the
 * samples collectors reported dropped; emits each window once, when event time closes it.
 * Late batches are counted into the VM's next emitted window. A batch marked {@link EndOfInput} (the VM's
 * last) emits the VM's open windows at once.
 *
 * <p>"Now" is the task's {@link EventClock}. The VMs' {@link VmWindow}s are written only when a window
 * is emitted or a batch is late (not per batch), so after a restart the clock starts again from the
 * newest open window, and windows close late rather than early.
 */
public final class IngestStatsProcessor implements Processor<String, SampleBatch, String, IngestStats> {
    public static final String OPEN_WINDOWS_STORE = "ingest-open-windows";
    public static final String PROGRESS_STORE = "ingest-vm-progress";

    private final TumblingWindows windows;
    private final long idleRetentionMs;
    private ProcessorContext<String, IngestStats> context;
    private KeyValueStore<String, IngestStats> open;
    private KeyValueStore<String, VmWindow> progress;
    private final EventClock clock = new EventClock();
    /** Closed windows are looked for each time the event clock crosses a multiple of this. */
    private long checkEveryMs;
    private Sensor windowsClosed;
    private Sensor lateBatches;
    /** Per VM seen by this task, its event-lag gauge; removed with the VM's bookkeeping. */
    private final Map<String, Sensor> eventLag = new HashMap<>();

    /**
     * @param idleRetentionMs a VM's bookkeeping is dropped once event time is this far past its last emitted
     *                        window and it has no open one (0 = kept forever), so churning VMs do not pile up
     */
    public IngestStatsProcessor(TumblingWindows windows, long idleRetentionMs) {
        this.windows = windows;
        this.idleRetentionMs = idleRetentionMs;
    }

    @Override
    public void init(ProcessorContext<String, IngestStats> context) {
        this.context = context;
        this.open = context.getStateStore(OPEN_WINDOWS_STORE);
        this.progress = context.getStateStore(PROGRESS_STORE);
        try (KeyValueIterator<String, IngestStats> it = open.all()) {
            it.forEachRemaining(kv -> clock.advance(kv.value.getWindowStartMs()));
        }
        checkEveryMs = windows.checkEveryMs();
        windowsClosed = TopologySensors.windowsClosed(context.metrics(), TopologySensors.Output.INGEST);
        lateBatches = TopologySensors.lateBatches(context.metrics(), TopologySensors.Output.INGEST);
    }

    @Override
    public void process(Record<String, SampleBatch> record) {
        String vm = record.key();
        eventLag.computeIfAbsent(vm, v -> TopologySensors.vmEventLag(context.metrics(), v))
                .record(context.currentSystemTimeMs() - record.timestamp());
        if (record.timestamp() > clock.nowMs()) {
            long before = clock.nowMs();
            clock.advance(record.timestamp());
            if (before == Long.MIN_VALUE || clock.nowMs() / checkEveryMs != before / checkEveryMs) {
                emitClosedWindows();
            }
        }
        long start = windows.startOf(record.timestamp());
        VmWindow p = progressOf(vm);
        if (p.isLate(windows, start) || windows.closed(start, clock.nowMs())) {
            progress.put(vm, p.withLate());
            lateBatches.record();
        } else {
            count(vm, start, record.value());
        }
        if (EndOfInput.marks(record.headers())) {
            emitWindowsOf(vm);
        }
    }

    private void count(String vm, long start, SampleBatch batch) {
        String key = windowKey(vm, start);
        IngestStats agg = open.get(key);
        if (agg == null) {
            agg = new IngestStats(vm, start, windows.endOf(start), 0L, 0L, 0L, 0L);
        }
        agg.setBatches(agg.getBatches() + 1);
        agg.setSamples(agg.getSamples() + batch.getSampleCount());
        agg.setDroppedAtSource(saturatedSum(agg.getDroppedAtSource(), batch.getDroppedSinceLastBatch()));
        open.put(key, agg);
    }

    /** The VM's input ended ({@link EndOfInput}): its open windows are emitted now, oldest first. */
    private void emitWindowsOf(String vm) {
        List<KeyValue<String, IngestStats>> due = new ArrayList<>();
        try (KeyValueIterator<String, IngestStats> it = open.prefixScan(vm + '@', new StringSerializer())) {
            it.forEachRemaining(kv -> {
                if (kv.value.getVmId().equals(vm)) { // not "vm@x", whose keys share the prefix
                    due.add(kv);
                }
            });
        }
        emit(due);
    }

    private void emitClosedWindows() {
        long now = clock.nowMs();
        List<KeyValue<String, IngestStats>> due = new ArrayList<>();
        try (KeyValueIterator<String, IngestStats> it = open.all()) {
            while (it.hasNext()) {
                KeyValue<String, IngestStats> kv = it.next();
                if (windows.closed(kv.value.getWindowStartMs(), now)) {
                    due.add(kv);
                }
            }
        }
        emit(due);
        if (idleRetentionMs > 0) {
            dropIdleVms(now);
        }
    }

    private void dropIdleVms(long now) {
        List<String> idle = new ArrayList<>();
        try (KeyValueIterator<String, VmWindow> it = progress.all()) {
            while (it.hasNext()) {
                KeyValue<String, VmWindow> kv = it.next();
                if (kv.value.emittedUpToMs() <= now - idleRetentionMs && !hasOpenWindow(kv.key)) {
                    idle.add(kv.key);
                }
            }
        }
        for (String vm : idle) {
            progress.delete(vm);
            Sensor lag = eventLag.remove(vm);
            if (lag != null) {
                context.metrics().removeSensor(lag);
            }
        }
    }

    private boolean hasOpenWindow(String vm) {
        try (KeyValueIterator<String, IngestStats> it = open.prefixScan(vm + '@', new StringSerializer())) {
            while (it.hasNext()) {
                if (it.next().value.getVmId().equals(vm)) {
                    return true;
                }
            }
        }
        return false;
    }

    private void emit(List<KeyValue<String, IngestStats>> due) {
        for (KeyValue<String, IngestStats> kv : due) { // ascending window start per VM: keys sort that way
            IngestStats stats = kv.value;
            VmWindow p = progressOf(stats.getVmId());
            stats.setLateBatches(p.late());
            progress.put(stats.getVmId(), p.emitted(stats.getWindowEndMs()));
            open.delete(kv.key);
            context.forward(new Record<>(stats.getVmId(), stats, stats.getWindowEndMs() - 1));
            windowsClosed.record();
        }
    }

    @Override
    public void close() {
        eventLag.values().forEach(context.metrics()::removeSensor);
        eventLag.clear();
    }

    private VmWindow progressOf(String vm) {
        VmWindow p = progress.get(vm);
        return p == null ? VmWindow.NEW_VM : p;
    }

    /** a + b for non-negative counts, stopping at Long.MAX_VALUE instead of wrapping to a negative count. */
    static long saturatedSum(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    /** vmId, then the (non-negative) window start zero-padded, so that a VM's windows iterate in time order. */
    static String windowKey(String vm, long windowStart) {
        return vm + '@' + String.format("%020d", windowStart);
    }
}
