package io.tierscope.analytics.heat;

/**
 * What the scan periods between two applied scans count as when sequence numbers are skipped
 * (a lost scan, a collector restart, a paused VM).
 */
public enum GapPolicy {
    /**
     * Default. Each missed period counts as a period in which no page was accessed, applied before
     * the new scan (at most {@link HeatTable#idleDepth()} of them, after which every page is
     * idle anyway, so a long outage costs no more than a short one). Rationale: a scanner clears
     * the A bits as it reads them, so a lost scan's accesses are gone and we have no evidence of
     * activity; heat must age rather than stay frozen at its pre-outage picture (hot pages that
     * really are hot recover in 1-3 periods). The test states absorb one missed period: a
     * sizzling page drops to warm and stays hot.
     */
    IDLE,
    /**
     * Missed periods are ignored: the new scan is applied as if it directly followed the last
     * one. Suits sources whose bits are sticky until read (a skipped read leaves them set, so the
     * next bitmap already covers the gap), e.g. soft-dirty when its clear was skipped too.
     */
    IGNORE
}
