package io.tierscope.streams.mrc;

import io.tierscope.analytics.mrc.MrcEngine;
import io.tierscope.avro.CurveKind;
import io.tierscope.avro.MissRatioCurve;
import io.tierscope.avro.SampleBatch;
import io.tierscope.schemas.SampleCodec;
import io.tierscope.topics.EndOfInput;
import io.tierscope.streams.metrics.TopologySensors;
import io.tierscope.streams.state.SnapshotOnCommitStore;
import io.tierscope.streams.window.EventClock;
import io.tierscope.streams.window.TumblingWindows;
import io.tierscope.streams.window.VmWindow;
import org.apache.kafka.common.metrics.Sensor;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
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
 * Per VM, one {@link MrcEngine} fed with the VM's samples (those whose access bits pass the
 * filter) and one miss-ratio curve per event-time tumbling window.
 *
 * <p>The LRU stack is one sequence per VM, so a VM has at most one open window: a batch of a newer
 * window closes the open one first; a batch of an older window is late - it still feeds the stack
 * (and so the curves) and is counted into the next emitted curve's {@code lateBatches}. A VM that
 * goes quiet has its window closed by a punctuator once the task's {@link EventClock} has passed
 * start + size + grace, and its state dropped (latest curve tombstoned) once it has been silent for the idle retention. A batch
 * marked {@link EndOfInput} (the VM's last) closes its window at once.
 * Closing a window emits its WINDOW curve and the long curve (CUMULATIVE or DECAYED) to the history
 * child, and the long curve to the latest child. VMs named by {@link MrcSettings#audit()} also feed an
 * exact engine, and each closed window of theirs sends an audit record to the audit child ({@link MrcAuditor}).
 *
 * <p>State: {@link #ENGINES_STORE} (vmId -> engine, a {@link SnapshotOnCommitStore}: the live engines,
 * their snapshots changelogged once per commit) and {@link #WINDOWS_STORE} (vmId -> {@link VmWindow}),
 * both updated after every batch: under exactly-once only what the stores hold at a commit survives a
 * crash, and the engine store writes each changed engine's snapshot in the commit's transaction. It holds
 * at most {@link MrcSettings#cachedEngines()} live engines (the least recently used one is written if
 * changed, then dropped), so heap does not grow with the VMs of a task; the others are decoded lazily.
 */
public final class MrcProcessor implements Processor<String, SampleBatch, String, SpecificRecord> {
    public static final String ENGINES_STORE = "mrc-engines";
    public static final String WINDOWS_STORE = "mrc-windows";
    private static final Logger LOG = LoggerFactory.getLogger(MrcProcessor.class);

    private final MrcSettings settings;
    private final TumblingWindows windows;
    private final String accessFilter;
    private final int accessMask;
    private final String historyChild;
    private final String latestChild;
    private final String auditChild;
    private final MrcAuditor auditor;
    private ProcessorContext<String, SpecificRecord> context;
    private SnapshotOnCommitStore<MrcEngine> engines;
    private KeyValueStore<String, VmWindow> windowStates;
    private EventClock clock;
    private Sensor windowsClosed;
    private Sensor lateBatches;

    /**
     * @param accessFilter the access types counted ("xwr" subset), {@code accessMask} the same as xwr bits
     * @param auditChild   where audited VMs' {@link io.tierscope.avro.MrcAudit} records go (see {@link MrcAuditor})
     */
    public MrcProcessor(MrcSettings settings, TumblingWindows windows, String accessFilter, int accessMask,
                        String historyChild, String latestChild, String auditChild) {
        this.settings = settings;
        this.windows = windows;
        this.accessFilter = accessFilter;
        this.accessMask = accessMask;
        this.historyChild = historyChild;
        this.latestChild = latestChild;
        this.auditChild = auditChild;
        this.auditor = new MrcAuditor(settings, MrcAuditMeters.shared());
    }

    /** Engines held in memory now (for tests of the bound). */
    int cachedEngineCount() {
        return engines.liveCount();
    }

    /**
     * How the engine store reads and writes engines: a snapshot that cannot be read restarts that VM's engine
     * (empty) instead of failing the task on every retry; one of other MRC settings is replaced by {@link #engineOf}.
     */
    static SnapshotOnCommitStore.Codec<MrcEngine> engineCodec(MrcSettings settings) {
        return new SnapshotOnCommitStore.Codec<>() {
            @Override
            public byte[] encode(MrcEngine engine) {
                return engine.snapshot();
            }

            @Override
            public MrcEngine decode(String vm, byte[] snapshot) {
                try {
                    return MrcEngine.restore(snapshot);
                } catch (IllegalArgumentException e) {
                    // Failing would stop the task on every retry; the fleet's other VMs matter more than this history.
                    LOG.error("VM {}: cannot read its MRC engine snapshot ({} bytes: {}); its stack and curves start over",
                            vm, snapshot.length, e.getMessage());
                    return MrcEngine.forVm(vm, settings.engine());
                }
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, SpecificRecord> context) {
        this.context = context;
        this.windowsClosed = TopologySensors.windowsClosed(context.metrics(), TopologySensors.Output.MRC);
        this.lateBatches = TopologySensors.lateBatches(context.metrics(), TopologySensors.Output.MRC);
        this.engines = context.getStateStore(ENGINES_STORE);
        this.windowStates = context.getStateStore(WINDOWS_STORE);
        auditor.init(context.getStateStore(MrcAuditor.STORE));
        clock = EventClock.recover(windowStates);
        context.schedule(Duration.ofMillis(windows.checkEveryMs()), PunctuationType.STREAM_TIME, t -> closeQuietWindows());
    }

    @Override
    public void process(Record<String, SampleBatch> record) {
        String vm = record.key();
        SampleBatch batch = record.value();
        long start = windows.startOf(record.timestamp());
        VmWindow state = windowStates.get(vm);
        MrcEngine engine;
        if (state == null) { // a new VM, or one whose state was dropped: whatever the cache holds is stale
            state = VmWindow.NEW_VM;
            engine = newEngine(vm);
        } else {
            engine = engineOf(vm);
        }
        clock.advance(record.timestamp());
        state = state.seen(record.timestamp());

        if (state.closesOpenWindow(start)) {
            state = close(vm, engine, state);
        }
        if (state.isLate(windows, start)) {
            state = state.withLate();
            lateBatches.record();
        } else if (!state.open()) {
            state = state.opened(start);
        }
        MrcEngine shadow = auditor.shadow(vm);
        feed(engine, batch);
        if (shadow != null) {
            feed(shadow, batch);
            auditor.save(vm, shadow);
        }
        if (EndOfInput.marks(record.headers()) && state.open()) {
            state = close(vm, engine, state); // the VM's last batch: no later one will close its window
        }
        save(vm, engine, state);
    }

    /**
     * Offers the batch's samples that pass the access filter, in order, with interpolated event
     * times. A collector's spatial pre-filter is declared first (the engine samples at or below
     * its rate from then on) and the references it removed are counted after. The collector
     * counts removed samples of every access type: when the access filter here drops some types,
     * the removed ones are assumed to pass it in the same proportion as the batch's kept samples
     * (an estimate; exact with the default filter that keeps every type).
     */
    private void feed(MrcEngine engine, SampleBatch batch) {
        engine.declarePrefilterRate(batch.getPrefilterRate());
        int n = batch.getSampleCount();
        ByteBuffer samples = SampleCodec.view(batch.getSamples(), n);
        int base = samples.position();
        boolean temporal = settings.engine().temporalPeriod() > 0;
        long t0 = batch.getStartTimeMs();
        long span = Math.max(0, batch.getEndTimeMs() - t0);
        int passed = 0;
        for (int i = 0; i < n; i++) {
            long packed = samples.getLong(base + i * SampleCodec.BYTES_PER_SAMPLE);
            if ((SampleCodec.xwr(packed) & accessMask) == 0) {
                continue;
            }
            passed++;
            if (temporal) {
                // Samples are spread over [start, end] in access order (SampleBatch doc).
                engine.setClock(n == 1 ? t0 : t0 + span * i / (n - 1));
            }
            engine.accept(SampleCodec.gfn(packed));
        }
        long removed = batch.getPrefilteredOut();
        engine.acceptFiltered(passed == n ? removed : Math.round((double) removed * passed / n));
    }

    /** Emits the VM's open window and the long curve, and starts the engine's next window. */
    private VmWindow close(String vm, MrcEngine engine, VmWindow state) {
        long start = state.openStartMs();
        long end = windows.endOf(start);
        long late = state.late();
        MissRatioCurve window = CurveRecords.toAvro(vm, CurveKind.WINDOW, start, end, accessFilter,
                engine.curve(MrcEngine.Histogram.WINDOW, settings.maxPoints()), engine.trackedPages(), late);
        MrcAuditor.Pending audit = auditor.beforeClose(vm, engine);
        engine.closeWindow(); // the decayed histogram takes this window in here
        MissRatioCurve longCurve = CurveRecords.toAvro(vm, settings.longCurve(), start, end, accessFilter,
                engine.curve(settings.longHistogram(), settings.maxPoints()), engine.trackedPages(), late);
        context.forward(new Record<>(vm, window, end - 1), historyChild);
        context.forward(new Record<>(vm, longCurve, end - 1), historyChild);
        context.forward(new Record<>(vm, longCurve, end - 1), latestChild);
        if (audit != null) {
            context.forward(new Record<>(vm, auditor.afterClose(vm, audit, engine, start, end), end - 1), auditChild);
            if (audit.shadow() != null) {
                auditor.save(vm, audit.shadow()); // its window closed
            }
        }
        windowsClosed.record();
        return state.emitted(end);
    }

    private void closeQuietWindows() {
        if (!clock.started()) {
            return;
        }
        long now = clock.nowMs();
        List<KeyValue<String, VmWindow>> due = new ArrayList<>();
        List<KeyValue<String, VmWindow>> gone = new ArrayList<>();
        long retention = settings.idleRetentionMs();
        try (KeyValueIterator<String, VmWindow> it = windowStates.all()) {
            while (it.hasNext()) {
                KeyValue<String, VmWindow> kv = it.next();
                if (kv.value.open() && windows.closed(kv.value.openStartMs(), now)) {
                    due.add(kv);
                } else if (!kv.value.open() && retention > 0 && kv.value.emittedUpToMs() <= now - retention) {
                    gone.add(kv);
                }
            }
        }
        for (KeyValue<String, VmWindow> kv : due) {
            MrcEngine engine = engineOf(kv.key);
            save(kv.key, engine, close(kv.key, engine, kv.value));
        }
        for (KeyValue<String, VmWindow> kv : gone) {
            String vm = kv.key;
            LOG.info("VM {}: silent for {} ms of event time; dropping its MRC state ({} late batches since its last"
                    + " window were never reported)", vm, retention, kv.value.late());
            engines.delete(vm);
            auditor.drop(vm);
            windowStates.delete(vm);
            context.forward(new Record<String, SpecificRecord>(vm, null, now), latestChild);
        }
    }

    private MrcEngine engineOf(String vm) {
        MrcEngine engine = engines.get(vm);
        if (engine == null) {
            LOG.warn("VM {}: window state present but no MRC engine snapshot; starting an empty stack", vm);
            return newEngine(vm);
        }
        if (!engine.config().equals(settings.engine())) {
            LOG.warn("VM {}: MRC settings changed from {} to {}; its stack and curves start over", vm,
                    engine.config(), settings.engine());
            return newEngine(vm);
        }
        return engine;
    }

    private MrcEngine newEngine(String vm) {
        auditor.restart(vm);
        MrcEngine engine = MrcEngine.forVm(vm, settings.engine());
        engines.put(vm, engine);
        return engine;
    }

    /** Marks the engine changed (its snapshot is written at the commit) and saves the window state. */
    private void save(String vm, MrcEngine engine, VmWindow state) {
        engines.put(vm, engine);
        windowStates.put(vm, state);
    }
}
