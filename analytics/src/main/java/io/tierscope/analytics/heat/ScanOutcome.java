package io.tierscope.analytics.heat;

/**
 * Result of {@link ChunkHeat#apply}: whether the scan was applied, how many missed periods were
 * counted as idle before it, and the hot/cold class changes per bit (including those caused by
 * the idle periods). {@link #writeChanges()} is empty when the scan had no dirty bitmap.
 */
public final class ScanOutcome {
    private final ScanStatus status;
    private final long missedPeriods;
    private final int idlePeriodsApplied;
    private final HeatChanges accessChanges;
    private final HeatChanges writeChanges;

    ScanOutcome(ScanStatus status, long missedPeriods, int idlePeriodsApplied,
                HeatChanges accessChanges, HeatChanges writeChanges) {
        this.status = status;
        this.missedPeriods = missedPeriods;
        this.idlePeriodsApplied = idlePeriodsApplied;
        this.accessChanges = accessChanges;
        this.writeChanges = writeChanges;
    }

    static ScanOutcome ignored(ScanStatus status) {
        return new ScanOutcome(status, 0, 0, HeatChanges.NONE, HeatChanges.NONE);
    }

    public ScanStatus status() {
        return status;
    }

    public boolean applied() {
        return status == ScanStatus.APPLIED;
    }

    /** Scan sequences skipped between the previous applied scan and this one. */
    public long missedPeriods() {
        return missedPeriods;
    }

    /** Idle periods actually stepped for the gap (0 under {@link GapPolicy#IGNORE}; capped). */
    public int idlePeriodsApplied() {
        return idlePeriodsApplied;
    }

    public HeatChanges accessChanges() {
        return accessChanges;
    }

    public HeatChanges writeChanges() {
        return writeChanges;
    }

    public HeatChanges changes(HeatBit bit) {
        return bit == HeatBit.ACCESSED ? accessChanges : writeChanges;
    }
}
