package io.tierscope.analytics.tiering.allocation;

import java.util.Objects;

/**
 * What one VM asks of its host's fast tier for one period.
 *
 * @param vmId             the VM
 * @param curve            its latest miss-ratio curve (fast pages to miss ratio)
 * @param references       references per period the curve stands for (rescaled by the sampling rate), >= 0
 * @param shares           relative weight of its misses, >= 0 (0: it gets only its reservation)
 * @param reservationPages fast pages it always gets (if the host has them), >= 0
 * @param limitPages       most fast pages it may get, >= reservationPages ({@link Long#MAX_VALUE}: no limit)
 * @param currentFastPages fast pages it holds now, >= 0 (for the miss ratio before)
 */
public record VmDemand(String vmId, MissCurve curve, double references, int shares, long reservationPages,
                       long limitPages, long currentFastPages) {
    public VmDemand {
        Objects.requireNonNull(vmId, "vmId");
        Objects.requireNonNull(curve, "curve");
        if (!(references >= 0) || Double.isInfinite(references)) {
            throw new IllegalArgumentException("references of VM " + vmId + " must be a finite number >= 0, got " + references);
        }
        if (shares < 0) {
            throw new IllegalArgumentException("shares of VM " + vmId + " must be >= 0, got " + shares);
        }
        if (reservationPages < 0 || limitPages < reservationPages) {
            throw new IllegalArgumentException("VM " + vmId + " needs 0 <= reservation <= limit, got reservation "
                    + reservationPages + " and limit " + limitPages);
        }
        if (currentFastPages < 0) {
            throw new IllegalArgumentException("currentFastPages of VM " + vmId + " must be >= 0, got " + currentFastPages);
        }
    }

    /** Weight of one miss of this VM in the host's objective: shares x references per period. */
    public double missWeight() {
        return shares * references;
    }
}
