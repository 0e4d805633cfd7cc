package io.tierscope.simulator;

import java.util.List;

/**
 * The simulated host: its VMs, fast capacity, migration budget and the current period's accesses
 * (shared by every policy; oracles read them before the period runs).
 */
final class Fleet {
    /** Pages per chunk of placement and heat state, as the streams app splits a VM. */
    static final int CHUNK_PAGES = 4096;

    private final List<VmSource> vms;
    private final long capacityPages;
    private final long budgetPagesPerPeriod;
    final int[][] periodPages;
    final byte[][] periodXwr;
    final int[] periodLength;

    Fleet(List<VmSource> vms, long capacityPages, long budgetPagesPerPeriod, int accessesPerPeriod) {
        this.vms = List.copyOf(vms);
        this.capacityPages = capacityPages;
        this.budgetPagesPerPeriod = budgetPagesPerPeriod;
        this.periodPages = new int[vms.size()][accessesPerPeriod];
        this.periodXwr = new byte[vms.size()][accessesPerPeriod];
        this.periodLength = new int[vms.size()];
    }

    int vmCount() {
        return vms.size();
    }

    String vmName(int v) {
        return vms.get(v).name();
    }

    int pages(int v) {
        return vms.get(v).pages();
    }

    long totalPages() {
        long n = 0;
        for (VmSource s : vms) {
            n += s.pages();
        }
        return n;
    }

    long capacityPages() {
        return capacityPages;
    }

    long budgetPagesPerPeriod() {
        return budgetPagesPerPeriod;
    }

    /** Loads the next period's accesses of every VM; false when every VM is done. */
    boolean nextPeriod() {
        boolean any = false;
        for (int v = 0; v < vms.size(); v++) {
            periodLength[v] = vms.get(v).nextPeriod(periodPages[v], periodXwr[v]);
            any |= periodLength[v] > 0;
        }
        return any;
    }
}
