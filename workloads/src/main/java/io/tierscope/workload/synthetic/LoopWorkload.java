package io.tierscope.workload.synthetic;

/** A cyclic sequential loop over pages {@code [base, base + pages)}: base, base+1, ..., wrap. */
public final class LoopWorkload extends SyntheticWorkload {
    private final long base;
    private final long pages;
    private long next;

    public LoopWorkload(long base, long pages) {
        requirePositive(pages, "pages");
        this.base = base;
        this.pages = pages;
    }

    @Override
    protected void fill(long[] gfn, byte[] xwr, int from, int count) {
        for (int i = from; i < from + count; i++) {
            gfn[i] = base + next;
            if (++next == pages) {
                next = 0;
            }
        }
        fillRead(xwr, from, count);
    }

    @Override
    public long footprintPages() {
        return pages;
    }

    @Override
    public long workingSetPages() {
        return pages;
    }
}
