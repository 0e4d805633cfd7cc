package io.tierscope.streams.heat;

import io.tierscope.analytics.heat.HeatBitmaps;
import io.tierscope.analytics.heat.ScanOutcome;
import io.tierscope.avro.AdScan;
import io.tierscope.topics.EndOfInput;
import java.time.Duration;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Scan-driven heat: each A/D scan is cut at chunk boundaries and each piece applied to its chunk
 * in {@link HeatChunks} (rules in {@link HeatTopology}).
 */
final class ScanHeatProcessor implements Processor<String, AdScan, Object, Object> {
    private final HeatChunks heat;

    ScanHeatProcessor(HeatChunks heat) {
        this.heat = heat;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        heat.init(context);
        context.schedule(Duration.ofMillis(heat.windows().checkEveryMs()), PunctuationType.STREAM_TIME,
                t -> heat.closeQuietWindows(heat.nowMs(), vm -> { }));
    }

    @Override
    public void close() {
        heat.close();
    }

    @Override
    public void process(Record<String, AdScan> record) {
        String vm = record.key();
        onScan(vm, record.value());
        if (EndOfInput.marks(record.headers())) {
            heat.endOfInput(vm);
        }
    }

    private void onScan(String vm, AdScan scan) {
        long time = scan.getTimeMs();
        HeatChunks.Arrival arrival = heat.arrive(vm, time);
        byte[] accessed = HeatScanChecks.bytes(scan.getAccessed());
        byte[] dirty = scan.getDirty() == null ? null : HeatScanChecks.bytes(scan.getDirty());
        int count = scan.getPageCount();
        int chunkPages = heat.config().chunkPages();
        boolean applied = false;
        long missed = 0;
        for (long from = 0; from < count; from += chunkPages) {
            int pages = (int) Math.min(chunkPages, count - from);
            boolean whole = from == 0 && pages == count;
            byte[] a = whole ? accessed : HeatBitmaps.slice(accessed, from, pages);
            byte[] d = dirty == null ? null : whole ? dirty : HeatBitmaps.slice(dirty, from, pages);
            long chunkIndex = (scan.getBaseGfn() + from) / chunkPages;
            ScanOutcome outcome = heat.applyPiece(vm, chunkIndex, scan.getScanSeq(), scan.getPeriodMs(), time,
                    arrival.window(), arrival.late(), pages, a, d);
            if (outcome != null) {
                applied = true;
                missed = Math.max(missed, outcome.missedPeriods());
            }
        }
        heat.put(vm, arrival.progress().counted(applied, arrival.late(), missed));
    }
}
