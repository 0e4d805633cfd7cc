package io.tierscope.workload.synthetic;

/**
 * A streaming sequential scan: pages {@code base, base+1, ...} each touched once, wrapping only
 * after {@code span} pages (make the span large for a pure stream). Nothing is reused within a
 * pass, so its working set is 0 until it wraps; its footprint is the span.
 */
public final class ScanWorkload extends SyntheticWorkload {
    private final long base;
    private final long span;
    private long next;
    private boolean wrapped;

    public ScanWorkload(long base, long span) {
        requirePositive(span, "span");
        this.base = base;
        this.span = span;
    }

    @Override
    protected void fill(long[] gfn, byte[] xwr, int from, int count) {
        for (int i = from; i < from + count; i++) {
            gfn[i] = base + next;
            if (++next == span) {
                next = 0;
                wrapped = true;
            }
        }
        fillRead(xwr, from, count);
    }

    @Override
    public long footprintPages() {
        return span;
    }

    @Override
    public long workingSetPages() {
        return wrapped ? span : 0;
    }
}
