package io.tierscope.streams.metrics;

/**
 * Why an input record went to the dead-letter topic, in a few fixed kinds: the reason header carries
 * the full text, while a metric label must stay low-cardinality for Prometheus.
 */
public enum DeadLetterReason {
    /** No key, or a key that is not UTF-8 (the key is the vmId). */
    BAD_KEY("bad-key"),
    /** No value (a tombstone on an input topic). */
    NO_VALUE("no-value"),
    /** The value does not decode: unknown schema id, bytes that are not the schema's record. */
    UNDECODABLE("undecodable"),
    /** A field out of its range (negative counter, page number beyond the VM, ...). */
    OUT_OF_RANGE("out-of-range"),
    /** Event time too far ahead of the wall clock. */
    TOO_FAR_AHEAD("too-far-ahead"),
    /** Event time too far behind the task's newest. */
    TOO_FAR_BEHIND("too-far-behind"),
    /** A processor threw on the record or its output write was refused (the exception handlers). */
    EXCEPTION("exception");

    private final String label;

    DeadLetterReason(String label) {
        this.label = label;
    }

    /** The metric label value. */
    public String label() {
        return label;
    }
}
