package io.tierscope.streams.heat;

import io.tierscope.analytics.heat.SampledPeriod;
import io.tierscope.analytics.heat.ScanOutcome;
import io.tierscope.avro.SampleBatch;
import io.tierscope.streams.state.SnapshotOnCommitStore;
import io.tierscope.streams.window.VmWindow;
import io.tierscope.topics.EndOfInput;
import java.time.Duration;
import java.util.TreeSet;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Sample-driven heat: a VM's sample batches gather in its open sampling period
 * ({@link HeatStores#SAMPLE_PERIODS}); each closed period is applied as one scan of all the VM's
 * chunks in {@link HeatChunks} (rules in {@link HeatTopology}). The open periods are live objects, a batch
 * adds to its VM's in place; their snapshots are stored once per commit, not once per batch.
 */
final class SampleHeatProcessor implements Processor<String, SampleBatch, Object, Object> {
    private final HeatChunks heat;
    private SnapshotOnCommitStore<SampledPeriod> samplePeriods;

    SampleHeatProcessor(HeatChunks heat) {
        this.heat = heat;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        heat.init(context);
        samplePeriods = context.getStateStore(HeatStores.SAMPLE_PERIODS);
        context.schedule(Duration.ofMillis(heat.windows().checkEveryMs()), PunctuationType.STREAM_TIME,
                t -> closeQuietPeriods());
    }

    @Override
    public void close() {
        heat.close();
    }

    @Override
    public void process(Record<String, SampleBatch> record) {
        String vm = record.key();
        onSamples(vm, record.value());
        if (EndOfInput.marks(record.headers())) {
            SampledPeriod open = samplePeriods.get(vm);
            if (open != null) {
                closePeriod(vm, open);
            }
            heat.endOfInput(vm);
        }
    }

    /**
     * A batch joins its VM's open sampling period (the period of its end time); a batch of a later
     * period first closes the open one. A batch of an earlier period joins the open period (its
     * accesses happened; dropping them would make pages look colder) and is counted late.
     */
    private void onSamples(String vm, SampleBatch batch) {
        long period = Math.floorDiv(batch.getEndTimeMs(), heat.config().samplePeriod().toMillis());
        SampledPeriod open = samplePeriods.get(vm);
        if (open != null && period > open.index()) {
            closePeriod(vm, open);
            open = null;
        }
        VmWindow p = heat.seen(vm, batch.getEndTimeMs());
        if (open != null && period < open.index()) {
            p = p.withLate();
        }
        if (open == null) {
            open = SampledPeriod.open(period, heat.config().chunkPages());
        }
        open.addPacked(batch.getSamples(), batch.getSampleCount());
        samplePeriods.put(vm, open); // stored at the next commit
        heat.put(vm, p);
    }

    /**
     * Applies a closed sampling period as one scan (sequence = period index) to every chunk the VM
     * has and every chunk it sampled: unsampled means idle for this period, so chunks without
     * samples cool down in step instead of freezing.
     */
    private void closePeriod(String vm, SampledPeriod period) {
        long periodMs = heat.config().samplePeriod().toMillis();
        long time = (period.index() + 1) * periodMs - 1;
        HeatChunks.Arrival arrival = heat.arrive(vm, time);
        int chunkPages = heat.config().chunkPages();
        TreeSet<Long> chunkIndexes = new TreeSet<>(); // one entry per chunk, not per page
        for (long c : period.sampledChunks()) {
            chunkIndexes.add(c);
        }
        heat.forEachChunkIndex(vm, chunkIndexes::add);
        boolean applied = false;
        long missed = 0;
        for (long chunkIndex : chunkIndexes) {
            ScanOutcome outcome = heat.applyPiece(vm, chunkIndex, period.index(), HeatChunks.SEQUENCE_COUNTS_PERIODS, time,
                    arrival.window(), arrival.late(), chunkPages, period.accessed(chunkIndex), period.dirty(chunkIndex), true,
                    period.counts(chunkIndex));
            if (outcome != null) {
                applied = true;
                missed = Math.max(missed, outcome.missedPeriods());
            }
        }
        heat.put(vm, arrival.progress().counted(applied, arrival.late(), missed));
        samplePeriods.delete(vm);
    }

    /** Closes the last period of VMs gone quiet (it would otherwise wait for ever), then their windows. */
    private void closeQuietPeriods() {
        long now = heat.nowMs(); // before the periods close: their end times are not input seen
        long periodMs = heat.config().samplePeriod().toMillis();
        for (String vm : samplePeriods.keys()) {
            SampledPeriod period = samplePeriods.get(vm);
            if (period != null && (period.index() + 1) * periodMs + heat.windows().graceMs() <= now) {
                closePeriod(vm, period);
            }
        }
        heat.closeQuietWindows(now, samplePeriods::delete);
    }
}
