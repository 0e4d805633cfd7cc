package io.tierscope.streams.heat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tierscope.analytics.heat.SampledPeriod;
import io.tierscope.avro.SampleBatch;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * The open sample period's stored format 2 ("heat-sample-periods" store and changelog), pinned byte for byte
 * (the fixture was computed apart from the code, by hand from the format's description): what a state dir or
 * changelog holds must restore, and the same samples must be stored as the same bytes.
 */
class SamplePeriodFormatTest {
    /**
     * Format 2, period 9: entries {@code gfn << 1 | written} ascending, then a sample count per entry. Page 3: two
     * reads, one write; page 5: two reads; page 70: a read, two writes; page 131073: one read.
     */
    static final String SAMPLE_PERIOD_V2 = "02" + "0000000000000009" + "00000006"
            + "0000000000000006" + "0000000000000007" + "000000000000000a" + "000000000000008c" + "000000000000008d"
            + "0000000000040002"
            + "00000002" + "00000001" + "00000002" + "00000001" + "00000002" + "00000001";

    private final SamplePeriodCodec codec = new SamplePeriodCodec(64);

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    @Test
    void theSamplesOfAPeriodAreStoredAsFormat2() {
        SampleBatch first = Scans.samples("vm", 0, 9_300, new long[] {3, 3, 5}, 3);
        SampleBatch second = Scans.samples("vm", 1, 9_800, new long[] {5, 70}, 70, 70);
        SampleBatch third = Scans.samples("vm", 2, 9_900, new long[] {131_073});
        SampledPeriod period = SampledPeriod.open(9, 64);
        for (SampleBatch batch : new SampleBatch[] {first, second, third}) {
            period.addPacked(batch.getSamples(), batch.getSampleCount());
        }
        assertArrayEquals(hex(SAMPLE_PERIOD_V2), codec.encode(period));
    }

    @Test
    void aStoredFormat2PeriodRestores() {
        SampledPeriod period = codec.decode("vm", hex(SAMPLE_PERIOD_V2));
        assertEquals(9, period.index());
        assertEquals(6, period.distinctEntries());
        int[] chunk0 = period.counts(0);
        assertEquals(3, chunk0[3], "two reads and a write");
        assertEquals(2, chunk0[5]);
        assertEquals(3, period.counts(1)[6], "a read and two writes");
        assertEquals(1, period.counts(2048)[1]);
        assertNull(period.counts(2));
        assertArrayEquals(new byte[] {0x28, 0, 0, 0, 0, 0, 0, 0}, period.accessed(0), "pages 3 and 5 accessed");
        assertArrayEquals(new byte[] {0x08, 0, 0, 0, 0, 0, 0, 0}, period.dirty(0), "page 3 written");
        assertArrayEquals(hex(SAMPLE_PERIOD_V2), codec.encode(period), "rewritten unchanged");
    }
}
