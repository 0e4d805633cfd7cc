package io.tierscope.simulator;

import io.tierscope.workload.synthetic.SyntheticWorkload;

/**
 * The accesses of one simulated VM, one period at a time. Pages are dense indices in
 * {@code [0, pages())}.
 */
interface VmSource {
    String name();

    /** Pages the VM can touch. */
    int pages();

    /** Writes the next period's accesses (at most {@code page.length}) and returns how many; 0 when done. */
    int nextPeriod(int[] page, byte[] xwr);

    /** A VM replaying a loaded trace, {@code perPeriod} accesses per period. */
    static VmSource of(LoadedTrace trace, int perPeriod) {
        return new VmSource() {
            private int at;

            @Override
            public String name() {
                return trace.name();
            }

            @Override
            public int pages() {
                return trace.pageCount();
            }

            @Override
            public int nextPeriod(int[] page, byte[] xwr) {
                int n = Math.min(Math.min(perPeriod, page.length), trace.length() - at);
                System.arraycopy(trace.pages(), at, page, 0, n);
                System.arraycopy(trace.xwr(), at, xwr, 0, n);
                at += n;
                return n;
            }
        };
    }

    /** A VM of {@code footprint} pages running a synthetic workload (gfns in [0, footprint)) for {@code periods} periods. */
    static VmSource of(String name, SyntheticWorkload workload, int footprint, int perPeriod, int periods) {
        return new VmSource() {
            private final long[] gfn = new long[perPeriod];
            private int done;

            @Override
            public String name() {
                return name;
            }

            @Override
            public int pages() {
                return (int) footprint;
            }

            @Override
            public int nextPeriod(int[] page, byte[] xwr) {
                if (done == periods) {
                    return 0;
                }
                done++;
                int n = Math.min(perPeriod, page.length);
                workload.generate(gfn, xwr, 0, n);
                for (int i = 0; i < n; i++) {
                    page[i] = (int) gfn[i];
                }
                return n;
            }
        };
    }
}
