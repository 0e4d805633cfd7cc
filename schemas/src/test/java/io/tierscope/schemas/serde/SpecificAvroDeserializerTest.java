package io.tierscope.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.avro.SampleBatch;
import io.tierscope.avro.SampleSource;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

/** Malformed frames and an unreachable registry fail with messages that say what is wrong. */
class SpecificAvroDeserializerTest {
    private static final String NOWHERE = "http://127.0.0.1:" + closedPort() + "/apis/ccompat/v7";

    private final SpecificAvroDeserializer<SampleBatch> deserializer =
            new SpecificAvroDeserializer<>(SampleBatch.class, new SchemaRegistryClient(NOWHERE, 2000));

    @Test
    void truncatedFrameIsReportedWithItsLength() {
        SerializationException e = assertThrows(SerializationException.class,
                () -> deserializer.deserialize("t", new byte[] {0, 0, 1}));
        assertTrue(e.getMessage().contains("truncated record on t: 3 bytes"), e.getMessage());
    }

    @Test
    void wrongMagicByteIsNamed() {
        SerializationException e = assertThrows(SerializationException.class,
                () -> deserializer.deserialize("t", new byte[] {0x7b, 0, 0, 0, 1, 2}));
        assertTrue(e.getMessage().contains("unknown magic byte 0x7b"), e.getMessage());
    }

    @Test
    void negativeSchemaIdIsRejectedWithoutAskingTheRegistry() {
        // The registry here is unreachable: an answer other than "negative schema id" would mean it was called.
        SerializationException e = assertThrows(SerializationException.class,
                () -> deserializer.deserialize("t", new byte[] {0, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xfe, 2}));
        assertTrue(e.getMessage().contains("negative schema id -2 on t"), e.getMessage());
    }

    @Test
    void nullStaysNull() {
        assertEquals(null, deserializer.deserialize("t", null));
    }

    @Test
    void unreachableRegistryNamesTheUrlAndWhatToCheck() {
        SpecificAvroSerializer<SampleBatch> serializer = new SpecificAvroSerializer<>();
        serializer.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, NOWHERE), false);
        SchemaRegistryException e = assertThrows(SchemaRegistryException.class,
                () -> serializer.serialize("t", batch()));
        assertEquals(0, e.httpStatus());
        assertTrue(e.getMessage().contains("schema registry at " + NOWHERE + " is unreachable"), e.getMessage());
        assertTrue(e.getMessage().contains("SCHEMA_REGISTRY_URL"), e.getMessage());
    }

    @Test
    void missingUrlIsAConfigError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SpecificAvroSerializer<SampleBatch>().configure(Map.of(), false));
        assertTrue(e.getMessage().contains(SerdeConfig.SCHEMA_REGISTRY_URL), e.getMessage());
    }

    static SampleBatch batch() {
        return SampleBatch.newBuilder().setVmId("vm-1").setHost("h").setSource(SampleSource.SYNTHETIC)
                .setBatchSeq(0).setStartTimeMs(1).setEndTimeMs(2).setSampleCount(0)
                .setSamples(ByteBuffer.allocate(0)).build();
    }

    private static int closedPort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
