package io.tierscope.analytics.tiering.allocation;

import java.util.List;

/**
 * How one host's fast tier is split for one period.
 *
 * @param capacityPages   fast pages that were split
 * @param vms             one grant per VM, in the order of the demands
 * @param unallocatedPages pages no VM gains from (every curve flat there, or every VM at its limit)
 */
public record HostGrant(long capacityPages, List<VmGrant> vms, long unallocatedPages) {
    public HostGrant {
        vms = List.copyOf(vms);
    }

    /** The grant of VM {@code vmId}, or null. */
    public VmGrant vm(String vmId) {
        for (VmGrant g : vms) {
            if (g.vmId().equals(vmId)) {
                return g;
            }
        }
        return null;
    }
}
