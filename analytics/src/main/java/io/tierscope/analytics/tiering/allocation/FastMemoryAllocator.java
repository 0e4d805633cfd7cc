package io.tierscope.analytics.tiering.allocation;

import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Splits a host's fast tier across its VMs so that the share-weighted expected misses,
 * sum over VMs of shares x references x missRatio(fastPages), are as small as possible.
 *
 * <p>Method: every VM first gets its reservation (scaled down pro rata when the reservations
 * exceed the capacity); the rest is handed out one allocation step at a time to the VM whose
 * next step removes the most weighted misses per page (marginal gain), until the capacity is
 * used, every VM is at its limit, or no step gains anything.
 *
 * <p>Why the convex hull: greedy marginal gain is optimal only when every curve's gains shrink as
 * it grows (a convex curve). Real curves have cliffs (a loop that fits or does not): on the raw
 * curve the step before a cliff gains almost nothing, so greedy stops short of a VM that would gain
 * a lot from a few more steps. Talus (Beckmann and Sanchez, HPCA'15) shows that any point on the
 * curve's lower convex hull is reachable: split the VM's pages into two shadow partitions sized at
 * the hull segment's ends, each seeing a proportional slice of the references. So the allocator
 * optimises on the hull ({@link MissCurve#hull()}), where greedy is exact, and reports both the raw
 * curve's prediction ({@link VmGrant#missRatioAfter()}) and the hull's
 * ({@link VmGrant#hullMissRatioAfter()}). With hot-page placement instead of LRU the fast tier
 * does at least as well as the LRU curve says, so the raw prediction is a bound, not a promise.
 *
 * <p>Exactness: when each VM's limit is its reservation plus a whole number of steps (or no limit)
 * the result is a true optimum over all allocations on the step grid (the hull sampled at equal
 * steps is discretely convex, so exchanging any step never helps). A final partial step (up to a
 * limit off the grid, or the last pages of the capacity) is taken by its gain per page too.
 * Ties go to the VM that comes first in the input.
 *
 * <p>US 9,223,722 FIG. 6 (memory moved from VM 1 to VM 2 because VM 2's curve gains more) is the
 * two-VM case of this. Plain Java, no Kafka types: the planner maps its records onto
 * {@link VmDemand} and back from {@link VmGrant}.
 */
public final class FastMemoryAllocator {
    private final long stepPages;

    /** @param stepPages allocation granularity in pages, >= 1 (e.g. 512: one 2 MiB huge page of 4 KiB pages) */
    public FastMemoryAllocator(long stepPages) {
        if (stepPages < 1) {
            throw new IllegalArgumentException("stepPages must be >= 1, got " + stepPages);
        }
        this.stepPages = stepPages;
    }

    public long stepPages() {
        return stepPages;
    }

    /** Splits {@code capacityPages} (>= 0) across {@code vms} (distinct ids). */
    public HostGrant allocate(long capacityPages, List<VmDemand> vms) {
        if (capacityPages < 0) {
            throw new IllegalArgumentException("capacityPages must be >= 0, got " + capacityPages);
        }
        int n = vms.size();
        MissCurve[] hulls = new MissCurve[n];
        long[] pages = reservations(capacityPages, vms);
        long remaining = capacityPages;
        for (int i = 0; i < n; i++) {
            hulls[i] = vms.get(i).curve().hull();
            remaining -= pages[i];
            for (int j = 0; j < i; j++) {
                if (vms.get(j).vmId().equals(vms.get(i).vmId())) {
                    throw new IllegalArgumentException("VM " + vms.get(i).vmId() + " appears twice");
                }
            }
        }
        PriorityQueue<Step> steps = new PriorityQueue<>();
        for (int i = 0; i < n; i++) {
            offer(steps, i, vms.get(i), hulls[i], pages[i], remaining);
        }
        while (remaining > 0 && !steps.isEmpty()) {
            Step best = steps.poll();
            long size = best.to - pages[best.vm];
            if (size > remaining) {
                // Offered when more was left; re-offer at what is left now.
                offer(steps, best.vm, vms.get(best.vm), hulls[best.vm], pages[best.vm], remaining);
                continue;
            }
            pages[best.vm] = best.to;
            remaining -= size;
            offer(steps, best.vm, vms.get(best.vm), hulls[best.vm], pages[best.vm], remaining);
        }
        List<VmGrant> grants = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            VmDemand d = vms.get(i);
            double before = d.curve().missRatioAt(d.currentFastPages());
            double after = d.curve().missRatioAt(pages[i]);
            grants.add(new VmGrant(d.vmId(), d.currentFastPages(), pages[i], before, after,
                    hulls[i].missRatioAt(pages[i]), d.references() * before, d.references() * after));
        }
        return new HostGrant(capacityPages, grants, remaining);
    }

    /** Reservations clamped to limits; pro rata (floored) when they exceed the capacity. */
    private static long[] reservations(long capacityPages, List<VmDemand> vms) {
        long[] pages = new long[vms.size()];
        double total = 0;
        for (int i = 0; i < pages.length; i++) {
            pages[i] = vms.get(i).reservationPages();
            total += pages[i];
        }
        if (total > capacityPages) {
            for (int i = 0; i < pages.length; i++) {
                pages[i] = (long) Math.floor(pages[i] * (capacityPages / total));
            }
        }
        return pages;
    }

    /** Queues VM i's next step from {@code at} pages, if it has one that gains anything. */
    private void offer(PriorityQueue<Step> steps, int i, VmDemand d, MissCurve hull, long at, long remaining) {
        long to = Math.min(d.limitPages(), at + Math.min(stepPages, remaining));
        if (to <= at || d.missWeight() <= 0) {
            return;
        }
        double gain = d.missWeight() * (hull.missRatioAt(at) - hull.missRatioAt(to));
        if (gain > 0) {
            steps.add(new Step(i, to, gain / (to - at)));
        }
    }

    /** VM {@code vm}'s next step, to {@code to} pages, removing {@code rate} weighted misses per page. */
    private record Step(int vm, long to, double rate) implements Comparable<Step> {
        @Override
        public int compareTo(Step o) {
            int c = Double.compare(o.rate, rate);
            return c != 0 ? c : Integer.compare(vm, o.vm);
        }
    }
}
