package io.tierscope.collector.source;

/**
 * A reusable block of samples as parallel primitive arrays: entry {@code i < size()} is page
 * {@code gfn[i]} with access bits {@code xwr[i]} (bit0 read, bit1 write, bit2 execute) of the
 * VM with feed index {@code vm[i]}.
 */
public final class SampleBlock {
    public final long[] gfn;
    public final byte[] xwr;
    public final int[] vm;
    private int size;

    public SampleBlock(int capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("block capacity must be positive, got " + capacity);
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

    /** Declares the first {@code n} entries valid after the arrays were filled directly. */
    public void setSize(int n) {
        if (n < 0 || n > gfn.length) {
            throw new IllegalArgumentException("size " + n + " outside [0, " + gfn.length + "]");
        }
        size = n;
    }
}
