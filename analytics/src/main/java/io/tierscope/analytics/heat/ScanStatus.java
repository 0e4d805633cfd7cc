package io.tierscope.analytics.heat;

/** What {@link ChunkHeat#apply} did with a scan, judged by its scan sequence number. */
public enum ScanStatus {
    /** A newer scan than any before: the states moved on. */
    APPLIED,
    /** The same sequence as the last applied scan (a redelivery): nothing changed. */
    DUPLICATE,
    /** Older than the last applied scan (arrived out of order, too late): nothing changed. */
    STALE
}
