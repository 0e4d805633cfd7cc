package io.tierscope.streams.heat;

import io.tierscope.analytics.heat.HeatBitmaps;
import io.tierscope.avro.AdScan;
import io.tierscope.avro.ScanSource;
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
