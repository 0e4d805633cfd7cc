package io.tierscope.workload;

/**
 * A reusable batch of page accesses as parallel primitive arrays, so that readers and generators
 * move tens of millions of accesses without one object per access.
 *
 * <p>Entry {@code i < size} is page {@code gfn[i]} touched with access bits {@code xwr[i]}
 * (see {@link Xwr}) by the VM whose name is {@code reader.vmName(vm[i])}.
 */
public final class AccessBatch {
    public final long[] gfn;
    public final byte[] xwr;
    public final int[] vm;
    private int size;

    public AccessBatch(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("batch capacity must be positive, got " + capacity);
        }
        gfn = new long[capacity];
        xwr = new byte[capacity];
        vm = new int[capacity];
    }

    public int capacity() {
        return gfn.length;
    }

    public int size() {
        return size;
    }

    public boolean isFull() {
        return size == gfn.length;
    }

    public void clear() {
        size = 0;
    }

    /** Appends one access; the caller checks {@link #isFull()} first. */
    public void add(long page, int bits, int vmIndex) {
        gfn[size] = page;
        xwr[size] = (byte) bits;
        vm[size] = vmIndex;
        size++;
    }

    /** Declares the first {@code n} entries valid after filling the arrays directly. */
    public void setSize(int n) {
        if (n < 0 || n > gfn.length) {
            throw new IllegalArgumentException("size " + n + " outside [0, " + gfn.length + "]");
        }
        size = n;
    }
}
