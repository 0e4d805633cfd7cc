package io.tierscope.workload.synthetic;

import org.apache.commons.rng.UniformRandomProvider;

/** Independent uniform accesses over pages {@code [base, base + pages)}. */
public final class UniformWorkload extends SyntheticWorkload {
    private final UniformRandomProvider rng;
    private final long base;
    private final long pages;

    public UniformWorkload(long seed, long base, long pages) {
        requirePositive(pages, "pages");
        this.rng = Rng.seeded(seed);
        this.base = base;
        this.pages = pages;
    }

    @Override
    protected void fill(long[] gfn, byte[] xwr, int from, int count) {
        for (int i = from; i < from + count; i++) {
            gfn[i] = base + rng.nextLong(pages);
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
