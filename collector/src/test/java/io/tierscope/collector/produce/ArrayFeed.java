package io.tierscope.collector.produce;

import io.tierscope.workload.AccessBatch;
import io.tierscope.collector.source.SampleFeed;

/** A feed over fixed arrays, {@code chunk} samples per read, for tests. */
final class ArrayFeed implements SampleFeed {
    private final String[] vmIds;
    private final long[] gfn;
    private final byte[] xwr;
    private final int[] vm;
    private final boolean live;
    private final int chunk;
    private int pos;
    private boolean idleNext;
    private int seen;

    ArrayFeed(String[] vmIds, long[] gfn, byte[] xwr, int[] vm, boolean live, int chunk) {
        this.vmIds = vmIds;
        this.gfn = gfn;
        this.xwr = xwr;
        this.vm = vm;
        this.live = live;
        this.chunk = chunk;
    }

    /** {@code n} samples spread round-robin over the VMs, gfn = i, xwr cycling 1..7. */
    static ArrayFeed roundRobin(String[] vmIds, int n, boolean live, int chunk) {
        long[] g = new long[n];
        byte[] x = new byte[n];
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            g[i] = i * 7L + 3;
            x[i] = (byte) (1 + i % 7);
            v[i] = i % vmIds.length;
        }
        return new ArrayFeed(vmIds, g, x, v, live, chunk);
    }

    @Override
    public int read(AccessBatch block) {
        if (pos == gfn.length) {
            return END_OF_STREAM;
        }
        if (live && idleNext) {
            // Live sources have quiet moments: exercise the idle path.
            idleNext = false;
            block.setSize(0);
            return 0;
        }
        idleNext = true;
        int n = Math.min(Math.min(chunk, block.capacity()), gfn.length - pos);
        System.arraycopy(gfn, pos, block.gfn, 0, n);
        System.arraycopy(xwr, pos, block.xwr, 0, n);
        System.arraycopy(vm, pos, block.vm, 0, n);
        for (int i = pos; i < pos + n; i++) {
            seen = Math.max(seen, vm[i] + 1);
        }
        pos += n;
        block.setSize(n);
        return n;
    }

    @Override
    public int vmCount() {
        return seen;
    }

    @Override
    public String vmId(int index) {
        return vmIds[index];
    }

    @Override
    public boolean live() {
        return live;
    }

    @Override
    public void close() {
    }

    long[] gfn() {
        return gfn;
    }

    byte[] xwr() {
        return xwr;
    }

    int[] vm() {
        return vm;
    }
}
