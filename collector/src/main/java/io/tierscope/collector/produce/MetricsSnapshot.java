package io.tierscope.collector.produce;

import java.util.Locale;

/**
 * The collector's counters at one moment.
 *
 * @param samplesRead        samples the sources delivered
 * @param samplesFiltered    samples the spatial pre-filter left out on purpose
 * @param samplesPublished   samples in batches the broker acknowledged
 * @param samplesDropped     samples dropped because the send buffer was full (live sources only)
 * @param samplesFailed      samples in batches whose delivery finally failed
 * @param samplesLostAtSource samples the source itself reported lost (e.g. a kernel queue overflow)
 * @param bytesPublished     serialized key + value bytes the broker acknowledged
 * @param bufferedBytes      weight admitted to the send buffer and not yet acknowledged
 * @param sends              acknowledged or failed sends measured for latency
 * @param scanPagesPublished pages covered by the scan records the broker acknowledged
 * @param scansDeferred      scan records that waited for the scans' share of the send buffer
 *                           (held back so that samples keep flowing; sent later, not lost)
 * @param scanPeriodsMissed  scan periods a source merged into its next one because the collector
 *                           had not taken them yet (the next scan covers both, as late A/D bits do)
 * @param scanBitmapBytes    bytes the scans' bitmaps would take
 * @param scanPayloadBytes   bytes they took, as bitmaps or runs ({@link io.tierscope.schemas.ScanRuns})
 */
public record MetricsSnapshot(
        long uptimeMs,
        long samplesRead, long samplesFiltered, long samplesPublished, long samplesDropped,
        long samplesFailed, long samplesLostAtSource,
        long batchesPublished, long batchesDropped, long batchesFailed,
        long scansPublished, long scansDropped, long scansFailed,
        long bytesPublished, long bufferedBytes,
        long sends, double sendLatencyP50Ms, double sendLatencyP99Ms, double sendLatencyMaxMs,
        long scanPagesPublished, long scansDeferred, long scanPeriodsMissed, long scanBitmapBytes,
        long scanPayloadBytes) {

    /** Samples the collector lost after reading them (buffer overflow + failed delivery). */
    public long samplesLost() {
        return samplesDropped + samplesFailed;
    }

    /** Samples read but neither published, filtered nor lost: still in the buffer or a batch. */
    public long samplesPending() {
        return samplesRead - samplesFiltered - samplesPublished - samplesLost();
    }

    /** One line for logs and the terminal. */
    public String format() {
        return String.format(Locale.ROOT,
                "up %.1fs samples read=%d published=%d filtered=%d dropped=%d failed=%d source-lost=%d pending=%d"
                        + " | batches=%d (dropped %d, failed %d) scans=%d (dropped %d, failed %d)"
                        + " | scan pages=%d deferred=%d missed-periods=%d, %.1f MB as runs/bitmaps of %.1f MB bitmaps"
                        + " | %.1f MB sent, buffer %.1f MB | send latency p50=%.1fms p99=%.1fms max=%.1fms",
                uptimeMs / 1000.0, samplesRead, samplesPublished, samplesFiltered, samplesDropped, samplesFailed,
                samplesLostAtSource, samplesPending(), batchesPublished, batchesDropped, batchesFailed,
                scansPublished, scansDropped, scansFailed,
                scanPagesPublished, scansDeferred, scanPeriodsMissed, scanPayloadBytes / 1e6, scanBitmapBytes / 1e6,
                bytesPublished / 1e6, bufferedBytes / 1e6,
                sendLatencyP50Ms, sendLatencyP99Ms, sendLatencyMaxMs);
    }
}
