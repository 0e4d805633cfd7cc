package io.tierscope.streams.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

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
}
