package io.tierscope.topics;

import org.apache.kafka.common.header.Headers;

/**
 * The end-of-input marker: a header on a VM's last {@link Topic#RAW_SAMPLES} batch or last {@link Topic#AD_SCANS}
 * scan of a finite run (a trace replayed, a benchmark ended, a collector flushing before it exits). The streams
 * app processes the record as usual and then closes that VM's open windows at once instead of waiting for later
 * event time that will never come. Being a record in the VM's partition, the marker sits at the same place in
 * every replay, so the outputs stay the same under exactly-once restarts (a wall-clock idle timer would not).
 * The header's value is ignored (send an empty one).
 */
public final class EndOfInput {
    public static final String HEADER = "tierscope.end-of-input";

    private EndOfInput() {
    }

    public static boolean marks(Headers headers) {
        return headers != null && headers.lastHeader(HEADER) != null;
    }
}
