package io.tierscope.collector.source;

import io.tierscope.workload.AccessBatch;
import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;

/** Adapters to {@link SampleFeed}. */
public final class SampleFeeds {
    private SampleFeeds() {
    }

    /** A feed of one VM's {@link SampleSource}; {@code live} as in {@link SampleFeed#live()}. */
    public static SampleFeed of(String vmId, SampleSource source, boolean live) {
        Objects.requireNonNull(source, "source");
        requireVmId(vmId);
        return new SampleFeed() {
            @Override
            public int read(AccessBatch block) throws IOException {
                int n = source.poll(block.gfn, block.xwr, block.capacity());
                if (n < 0) {
                    block.setSize(0);
                    return END_OF_STREAM;
                }
                if (n > block.capacity()) {
                    throw new IllegalStateException("sample source of VM " + vmId + " returned " + n
                            + " samples for room of " + block.capacity());
                }
                Arrays.fill(block.vm, 0, n, 0);
                block.setSize(n);
                return n;
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
                return live;
            }

            @Override
            public long takeDropped(int index) {
                return source.takeDropped();
            }

            @Override
            public void close() throws IOException {
                source.close();
            }
        };
    }

    static String requireVmId(String vmId) {
        if (vmId == null || vmId.isBlank()) {
            throw new IllegalArgumentException("VM id must not be blank");
        }
        return vmId;
    }
}
