package io.tierscope.simulator;

import io.tierscope.analytics.mrc.MissRatioCurve;
import io.tierscope.analytics.mrc.MrcConfig;
import io.tierscope.analytics.mrc.MrcEngine;
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
    /** One MRC engine per VM, fed every access (SHARDS fixed size, as the streams app runs it); curves are decayed per period. */
    private final MrcEngine[] mrc;
    private final boolean curves;
    private final long[] lastPeriodReferences;

    Fleet(List<VmSource> vms, long capacityPages, long budgetPagesPerPeriod, int accessesPerPeriod) {
        this.vms = List.copyOf(vms);
        this.capacityPages = capacityPages;
        this.budgetPagesPerPeriod = budgetPagesPerPeriod;
        this.periodPages = new int[vms.size()][accessesPerPeriod];
        this.periodXwr = new byte[vms.size()][accessesPerPeriod];
        this.periodLength = new int[vms.size()];
        this.curves = vms.size() > 1;
        this.mrc = new MrcEngine[vms.size()];
        this.lastPeriodReferences = new long[vms.size()];
        for (int v = 0; v < mrc.length; v++) {
            mrc[v] = MrcEngine.forVm(vms.get(v).name(), MrcConfig.fixedSize(8192));
        }
    }

    /** Feeds the period's accesses to the MRC engines (only with several VMs: one VM needs no split). */
    void closePeriod() {
        for (int v = 0; v < mrc.length; v++) {
            lastPeriodReferences[v] = periodLength[v];
            if (curves) {
                for (int i = 0; i < periodLength[v]; i++) {
                    mrc[v].accept(periodPages[v][i]);
                }
                mrc[v].closeWindow();
            }
        }
    }

    /** VM v's decayed miss-ratio curve up to the last closed period. */
    MissRatioCurve curve(int v) {
        return mrc[v].curve(MrcEngine.Histogram.DECAYED);
    }

    /** Accesses of VM v in the last closed period. */
    long lastPeriodReferences(int v) {
        return lastPeriodReferences[v];
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
