package io.tierscope.streams.heat;

import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Per-VM bookkeeping of the heat processor ("heat-vms" store): the window the VM's newest scans
 * fall in, the end of the last window summarised, the newest scan time (VM TTL), and the scan
 * counters reported with the open window's summary. With samples driving heat, a "scan" is one
 * closed sampling period of the VM.
 *
 * @param openWindowStartMs window of the newest applied scan; {@link Long#MIN_VALUE} before any
 * @param summarizedUpToMs  end of the last window a summary was emitted for
 * @param lastEventTimeMs   newest event time of any scan (duplicates too: the VM is alive) or sample batch of the VM
 * @param scansApplied      scan records that moved some chunk's states, in the open window
 * @param duplicateScans    scan records ignored as duplicates or stale (by scan sequence)
 * @param lateScans         scan records whose time falls in a window already left behind
 * @param missedPeriods     largest scan-sequence gap any chunk bridged in the open window
 */
record VmHeatProgress(long openWindowStartMs, long summarizedUpToMs, long lastEventTimeMs,
                      long scansApplied, long duplicateScans, long lateScans, long missedPeriods) {
    static final VmHeatProgress NONE = new VmHeatProgress(Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE, 0, 0, 0, 0);
    private static final int BYTES = 7 * 8;

    boolean hasOpenWindow() {
        return openWindowStartMs != Long.MIN_VALUE && summarizedUpToMs <= openWindowStartMs;
    }

    VmHeatProgress seen(long eventTimeMs) {
        return new VmHeatProgress(openWindowStartMs, summarizedUpToMs, Math.max(lastEventTimeMs, eventTimeMs),
                scansApplied, duplicateScans, lateScans, missedPeriods);
    }

    /** One more input counted late, without being applied or ignored (a sample batch of a past period). */
    VmHeatProgress withLate() {
        return new VmHeatProgress(openWindowStartMs, summarizedUpToMs, lastEventTimeMs, scansApplied, duplicateScans,
                lateScans + 1, missedPeriods);
    }

    VmHeatProgress opened(long windowStart) {
        return new VmHeatProgress(windowStart, summarizedUpToMs, lastEventTimeMs, scansApplied, duplicateScans, lateScans, missedPeriods);
    }

    VmHeatProgress counted(boolean applied, boolean late, long missed) {
        return new VmHeatProgress(openWindowStartMs, summarizedUpToMs, lastEventTimeMs,
                scansApplied + (applied ? 1 : 0), duplicateScans + (applied ? 0 : 1), lateScans + (late ? 1 : 0),
                Math.max(missedPeriods, missed));
    }

    /** After the open window's summary: counters start again. */
    VmHeatProgress summarized(long windowEnd) {
        return new VmHeatProgress(openWindowStartMs, windowEnd, lastEventTimeMs, 0, 0, 0, 0);
    }

    static Serde<VmHeatProgress> serde() {
        Serializer<VmHeatProgress> ser = (topic, p) -> p == null ? null
                : ByteBuffer.allocate(BYTES).putLong(p.openWindowStartMs).putLong(p.summarizedUpToMs)
                        .putLong(p.lastEventTimeMs).putLong(p.scansApplied).putLong(p.duplicateScans)
                        .putLong(p.lateScans).putLong(p.missedPeriods).array();
        Deserializer<VmHeatProgress> de = (topic, b) -> {
            if (b == null) {
                return null;
            }
            if (b.length != BYTES) {
                throw new IllegalStateException("heat VM progress of " + b.length + " bytes, expected " + BYTES);
            }
            ByteBuffer in = ByteBuffer.wrap(b);
            return new VmHeatProgress(in.getLong(), in.getLong(), in.getLong(), in.getLong(), in.getLong(),
                    in.getLong(), in.getLong());
        };
        return Serdes.serdeFrom(ser, de);
    }
}
