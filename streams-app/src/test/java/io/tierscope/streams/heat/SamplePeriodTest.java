package io.tierscope.streams.heat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tierscope.analytics.heat.SampledPeriod;
import io.tierscope.avro.SampleBatch;
import org.junit.jupiter.api.Test;

class SamplePeriodTest {
    @Test
    void countsAddUpAcrossBatchesReadsAndWrites() {
        SampleBatch first = Scans.samples("vm", 0, 300, new long[] {3, 3, 5}, 3);
        SampleBatch second = Scans.samples("vm", 1, 800, new long[] {5, 70});
        SampledPeriod period = SampledPeriod.open(0, 64);
        period.addPacked(first.getSamples(), first.getSampleCount());
        period.addPacked(second.getSamples(), second.getSampleCount());
        assertEquals(4, period.distinctEntries(), "3 read, 3 written, 5 read, 70 read");
        int[] chunk0 = period.counts(0);
        assertEquals(3, chunk0[3], "two reads and a write");
        assertEquals(2, chunk0[5]);
        assertEquals(0, chunk0[4]);
        assertEquals(1, period.counts(1)[6]);
        assertNull(period.counts(5));
        SamplePeriodCodec codec = new SamplePeriodCodec(64);
        SampledPeriod back = codec.decode("vm", codec.encode(period));
        assertEquals(3, back.counts(0)[3]);
        assertEquals(4, back.distinctEntries());
    }
}
