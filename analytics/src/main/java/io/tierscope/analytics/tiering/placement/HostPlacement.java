package io.tierscope.analytics.tiering.placement;

import java.util.List;

/**
 * The moves of one host for one period.
 *
 * @param capacityPages fast pages of the host
 * @param budgetPages   the period's migration budget (demotions plus promotions)
 * @param vms           one entry per VM, in input order
 */
public record HostPlacement(long capacityPages, long budgetPages, List<VmMoves> vms) {
    public HostPlacement {
        vms = List.copyOf(vms);
    }

    /** Pages migrated by the whole plan. */
    public long migratedPages() {
        long n = 0;
        for (VmMoves m : vms) {
            n += m.migratedPages();
        }
        return n;
    }

    public long deferredPages() {
        long n = 0;
        for (VmMoves m : vms) {
            n += m.deferredPages();
        }
        return n;
    }
}
