package io.tierscope.workload.synthetic;

import io.tierscope.workload.AccessBatch;
import io.tierscope.workload.AccessReader;
import io.tierscope.workload.Xwr;
import java.util.Arrays;

/**
 * An endless, seeded, reproducible stream of page accesses with a known shape. Nothing is held
 * per generated access, so tens of millions of pages stream in constant memory.
 *
 * <p>Ground truth: {@link #footprintPages()} is how many distinct pages the workload can touch,
 * {@link #workingSetPages()} how many pages the current phase keeps reusing; subclasses add
 * shape-specific truth (e.g. {@link ZipfWorkload#hotPages(double)}). Not thread-safe.
 */
public abstract class SyntheticWorkload {
    private long generated;

    /** Writes the next {@code count} accesses into {@code gfn[from..]} and {@code xwr[from..]}. */
    public final void generate(long[] gfn, byte[] xwr, int from, int count) {
        fill(gfn, xwr, from, count);
        generated += count;
    }

    /** Produces the next accesses; default access bits are {@link Xwr#READ}. */
    protected abstract void fill(long[] gfn, byte[] xwr, int from, int count);

    /** Distinct pages the workload can ever touch. */
    public abstract long footprintPages();

    /** Pages the current phase keeps reusing (its working set). */
    public abstract long workingSetPages();

    /** Accesses generated so far. */
    public final long generated() {
        return generated;
    }

    /** This workload as a reader that ends after {@code references} accesses, all of VM {@code vmName}. */
    public final AccessReader reader(long references, String vmName) {
        return new Reader(this, references, vmName);
    }

    static void fillRead(byte[] xwr, int from, int count) {
        Arrays.fill(xwr, from, from + count, (byte) Xwr.READ);
    }

    static void requirePositive(long v, String what) {
        if (v <= 0) {
            throw new IllegalArgumentException(what + " must be positive, got " + v);
        }
    }

    private static final class Reader implements AccessReader {
        private final SyntheticWorkload workload;
        private final String vmName;
        private long remaining;

        Reader(SyntheticWorkload workload, long references, String vmName) {
            this.workload = workload;
            this.remaining = references;
            this.vmName = vmName;
        }

        @Override
        public int read(AccessBatch batch) {
            int n = (int) Math.min(batch.capacity(), remaining);
            workload.generate(batch.gfn, batch.xwr, 0, n);
            Arrays.fill(batch.vm, 0, n, 0);
            batch.setSize(n);
            remaining -= n;
            return n;
        }

        @Override
        public int vmCount() {
            return 1;
        }

        @Override
        public String vmName(int index) {
            if (index != 0) {
                throw new IndexOutOfBoundsException("synthetic reader has one VM, asked for " + index);
            }
            return vmName;
        }

        @Override
        public void close() {
        }
    }
}
