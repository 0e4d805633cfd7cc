package io.tierscope.streams.testing;

import io.tierscope.avro.SampleBatch;
import io.tierscope.avro.SampleSource;
import io.tierscope.schemas.SampleCodec;
import java.nio.ByteBuffer;

/** Sample batches for topology tests. */
public final class SampleBatches {
    private SampleBatches() {
    }

    /** A batch of {@code n} reads of pages 0..n-1 ending at {@code endMs} (100 ms long), reporting {@code dropped}. */
    public static SampleBatch reads(String vm, long seq, long endMs, int n, long dropped) {
        long[] gfns = new long[n];
        byte[] xwr = new byte[n];
        for (int i = 0; i < n; i++) {
            gfns[i] = i;
            xwr[i] = SampleCodec.READ;
        }
        ByteBuffer packed = SampleCodec.encode(gfns, xwr, n);
        return SampleBatch.newBuilder().setVmId(vm).setHost("h").setSource(SampleSource.SYNTHETIC).setBatchSeq(seq)
                .setStartTimeMs(Math.max(0, endMs - 100)).setEndTimeMs(endMs).setSampleCount(n).setSamples(packed)
                .setDroppedSinceLastBatch(dropped).build();
    }
}
