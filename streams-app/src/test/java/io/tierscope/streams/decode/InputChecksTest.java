package io.tierscope.streams.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.avro.SampleBatch;
import io.tierscope.avro.SampleSource;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class InputChecksTest {

    private static SampleBatch.Builder batch() {
        return SampleBatch.newBuilder().setVmId("vm").setHost("h").setSource(SampleSource.TRACE).setBatchSeq(0)
                .setStartTimeMs(0).setEndTimeMs(1).setSampleCount(1).setSamples(ByteBuffer.allocate(8));
    }

    @Test
    void prefilterFieldsDefaultToUnfilteredAndPass() {
        SampleBatch b = batch().build();
        assertEquals(1.0, b.getPrefilterRate());
        assertEquals(0, b.getPrefilteredOut());
        assertNull(InputChecks.sampleBatch("vm", b));
        assertNull(InputChecks.sampleBatch("vm", batch().setPrefilterRate(0.01).setPrefilteredOut(99).build()));
    }

    @Test
    void prefilterRateOutsideTheUnitIntervalOrNegativeCountIsRejectedWithTheValue() {
        assertEquals("prefilterRate 0.0 is outside (0, 1]",
                InputChecks.sampleBatch("vm", batch().setPrefilterRate(0).build()));
        assertEquals("prefilterRate 1.5 is outside (0, 1]",
                InputChecks.sampleBatch("vm", batch().setPrefilterRate(1.5).build()));
        assertEquals("prefilterRate NaN is outside (0, 1]",
                InputChecks.sampleBatch("vm", batch().setPrefilterRate(Double.NaN).build()));
        assertEquals("negative prefilteredOut -1",
                InputChecks.sampleBatch("vm", batch().setPrefilteredOut(-1).build()));
    }

    @Test
    void negativeCountersAndSequencesAreRejectedWithTheField() {
        assertEquals("negative droppedSinceLastBatch -3",
                InputChecks.sampleBatch("vm", batch().setDroppedSinceLastBatch(-3).build()));
        assertEquals("negative batchSeq -1", InputChecks.sampleBatch("vm", batch().setBatchSeq(-1).build()));
        assertEquals("negative samplingHz -9", InputChecks.sampleBatch("vm", batch().setSamplingHz(-9).build()));
        assertEquals("prefilteredOut 4 without a pre-filter (prefilterRate 1.0)",
                InputChecks.sampleBatch("vm", batch().setPrefilteredOut(4).build()));
    }

    @Test
    void timesNamesAndGfnsOutOfRangeAreRejected() {
        assertEquals("endTimeMs 5 is before startTimeMs 9",
                InputChecks.sampleBatch("vm", batch().setStartTimeMs(9).setEndTimeMs(5).build()));
        assertTrue(InputChecks.sampleBatch("vm", batch().setStartTimeMs(0).setEndTimeMs(InputChecks.MAX_BATCH_SPAN_MS + 1)
                .build()).startsWith("batch spans"));
        assertEquals("empty host", InputChecks.sampleBatch("vm", batch().setHost("").build()));
        assertTrue(InputChecks.sampleBatch("v\n", batch().setVmId("v\n").build()).contains("control character"));
        assertTrue(InputChecks.sampleBatch("vm", batch().setHost("h".repeat(256)).build()).contains("more than 255"));
        long[] gfns = {InputChecks.GFN_LIMIT};
        assertEquals("sample 0 has gfn 4503599627370496, not below 2^52", InputChecks.sampleBatch("vm",
                batch().setSamples(io.tierscope.schemas.SampleCodec.encode(gfns, new byte[] {1}, 1)).build()));
    }

    @Test
    void scanFieldsOutOfRangeAreRejected() {
        io.tierscope.avro.AdScan.Builder scan = io.tierscope.avro.AdScan.newBuilder().setVmId("vm").setHost("h")
                .setSource(io.tierscope.avro.ScanSource.SYNTHETIC).setScanSeq(0).setTimeMs(10).setPeriodMs(1000)
                .setBaseGfn(0).setPageCount(8).setAccessed(ByteBuffer.allocate(1));
        assertNull(InputChecks.adScan("vm", scan.build()));
        assertEquals("negative scanSeq -2", InputChecks.adScan("vm", scan.setScanSeq(-2).build()));
        scan.setScanSeq(0);
        assertEquals("periodMs 0 is outside (0, 86400000]", InputChecks.adScan("vm", scan.setPeriodMs(0).build()));
        scan.setPeriodMs(1000);
        assertEquals("gfn range 4503599627370490 + 8 pages does not end below 2^52",
                InputChecks.adScan("vm", scan.setBaseGfn(InputChecks.GFN_LIMIT - 6).build()));
    }
}
