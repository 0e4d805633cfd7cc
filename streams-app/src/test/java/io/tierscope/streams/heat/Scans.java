package io.tierscope.streams.heat;

import io.tierscope.analytics.heat.HeatBitmaps;
import io.tierscope.avro.AdScan;
import io.tierscope.avro.SampleBatch;
import io.tierscope.avro.SampleSource;
import io.tierscope.avro.ScanSource;
import io.tierscope.schemas.SampleCodec;
import java.nio.ByteBuffer;

/** AdScan records for tests: the pages given are accessed (and, if listed, written) in the period. */
final class Scans {
    private Scans() {
    }

    static AdScan scan(String vm, long seq, long timeMs, long baseGfn, int pageCount, int[] accessed, int[] written) {
        return AdScan.newBuilder().setVmId(vm).setHost("host-1").setSource(ScanSource.SYNTHETIC).setScanSeq(seq)
                .setTimeMs(timeMs).setPeriodMs(1000).setBaseGfn(baseGfn).setPageCount(pageCount)
                .setAccessed(ByteBuffer.wrap(bitmap(pageCount, accessed)))
                .setDirty(written == null ? null : ByteBuffer.wrap(bitmap(pageCount, written)))
                .build();
    }

    static AdScan scan(String vm, long seq, long timeMs, int pageCount, int... accessed) {
        return scan(vm, seq, timeMs, 0, pageCount, accessed, null);
    }

    /** A sample batch ending at {@code endMs}; pages listed in {@code written} are sampled with the write bit. */
    static SampleBatch samples(String vm, long batchSeq, long endMs, long[] gfns, long... written) {
        long[] all = java.util.Arrays.copyOf(gfns, gfns.length + written.length);
        System.arraycopy(written, 0, all, gfns.length, written.length);
        byte[] xwr = new byte[all.length];
        for (int i = 0; i < all.length; i++) {
            xwr[i] = (byte) (i < gfns.length ? SampleCodec.READ : SampleCodec.READ | SampleCodec.WRITE);
        }
        return SampleBatch.newBuilder().setVmId(vm).setHost("host-1").setSource(SampleSource.SYNTHETIC).setBatchSeq(batchSeq)
                .setStartTimeMs(Math.max(0, endMs - 100)).setEndTimeMs(endMs).setSampleCount(all.length)
                .setSamples(SampleCodec.encode(all, xwr, all.length)).build();
    }

    static byte[] bitmap(int pageCount, int[] pages) {
        byte[] b = new byte[HeatBitmaps.bytesFor(pageCount)];
        for (int p : pages) {
            HeatBitmaps.set(b, p);
        }
        return b;
    }

    static int[] range(int from, int to) {
        int[] out = new int[to - from];
        for (int i = from; i < to; i++) {
            out[i - from] = i;
        }
        return out;
    }
}
