package io.tierscope.streams.heat;

import io.tierscope.analytics.heat.HeatBit;
import io.tierscope.analytics.heat.HeatBitmaps;
import io.tierscope.analytics.heat.HeatTable;
import io.tierscope.avro.HeatSummary;
import io.tierscope.streams.window.VmWindow;
import java.util.LinkedHashMap;
import java.util.Map;

/** Adds up one VM's chunks, one at a time in gfn order, into its {@link HeatSummary} for a window. */
final class SummaryBuilder {
    private final HeatTable table;
    private final long windowStartMs;
    private final long[] pagesPerState;
    private final HottestPages hottest;
    private long hot;
    private long cold;
    private long touched;
    private long written;

    SummaryBuilder(HeatTable table, long windowStartMs, int hottestLimit) {
        this.table = table;
        this.windowStartMs = windowStartMs;
        this.pagesPerState = new long[table.stateCount()];
        this.hottest = new HottestPages(hottestLimit);
    }

    void add(StoredChunk chunk) {
        int[] counts = chunk.heat().stateCounts(HeatBit.ACCESSED);
        for (int s = 0; s < counts.length; s++) {
            pagesPerState[s] += counts[s];
            hot += table.isHot(s) ? counts[s] : 0;
            cold += table.isCold(s) ? counts[s] : 0;
        }
        if (chunk.windowStartMs == windowStartMs) {
            touched += HeatBitmaps.countSet(chunk.touched);
            written += HeatBitmaps.countSet(chunk.written);
        }
        hottest.offer(chunk.heat());
    }

    HeatSummary build(String vmId, long windowEndMs, VmWindow progress) {
        Map<String, Long> perState = new LinkedHashMap<>();
        boolean allStates = HeatStateNames.isFsm(table);
        for (int s = 0; s < pagesPerState.length; s++) {
            if (allStates || pagesPerState[s] > 0) {
                perState.put(HeatStateNames.name(table, s), pagesPerState[s]);
            }
        }
        return HeatSummary.newBuilder()
                .setVmId(vmId)
                .setWindowStartMs(windowStartMs)
                .setWindowEndMs(windowEndMs)
                .setClassifier(table.name())
                .setPagesPerState(perState)
                .setHotPages(hot)
                .setColdPages(cold)
                .setTouchedPages(touched)
                .setWrittenPages(written)
                .setHottestGfns(LongListView.of(hottest.gfns()))
                .setScansApplied(progress.applied())
                .setDuplicateScans(progress.ignored())
                .setLateScans(progress.late())
                .setMissedPeriods(progress.missedPeriods())
                .build();
    }
}
