package io.tierscope.collector.it;

import io.tierscope.workload.AccessBatch;
import io.tierscope.collector.source.SampleFeed;

/**
 * Stands in for a live kernel queue in ITs: sample i becomes available at i / rate seconds after
 * the first read, and must be drained (live: the collector may not block it). Sample i is page
 * i, so a consumer can tell exactly which samples arrived.
 */
final class LiveClockFeed implements SampleFeed {
    private final String vmId;
    private final double rate;
    private final long total;
    private long start = -1;
    private long produced;

    LiveClockFeed(String vmId, double rate, long total) {
        this.vmId = vmId;
        this.rate = rate;
        this.total = total;
    }

    @Override
    public int read(AccessBatch block) {
        if (produced == total) {
            block.setSize(0);
            return END_OF_STREAM;
        }
        long now = System.nanoTime();
        if (start < 0) {
            start = now;
        }
        long due = Math.min(total, (long) ((now - start) / 1e9 * rate));
        int n = (int) Math.min(block.capacity(), due - produced);
        for (int i = 0; i < n; i++) {
            block.gfn[i] = produced + i;
            block.xwr[i] = (byte) (1 + (produced + i) % 7);
            block.vm[i] = 0;
        }
        produced += n;
        block.setSize(n);
        return n;
    }

    long total() {
        return total;
    }

    @Override
    public int vmCount() {
        return 1;
    }

    @Override
    public String vmId(int index) {
        return vmId;
    }

    @Override
    public boolean live() {
        return true;
    }

    @Override
    public void close() {
    }
}
