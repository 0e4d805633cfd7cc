package io.tierscope.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.avro.SampleBatch;
import io.tierscope.avro.SampleSource;
import io.tierscope.platform.Platform;
import io.tierscope.platform.testing.PlatformExtension;
import io.tierscope.schemas.SampleCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.BeforeEach;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The serdes against a real Confluent-compatible registry (the embedded Apicurio, or SCHEMA_REGISTRY_URL). */
@ExtendWith(PlatformExtension.class)
class SpecificAvroSerdeIT {
    private String url;
    private String topic;

    @BeforeEach
    void setUp(Platform platform) {
        url = platform.schemaRegistryUrl();
        topic = "serde-it-" + UUID.randomUUID();
    }

    @Test
    void bytesAreExactlyAConfluentFrame() throws IOException {
        SampleBatch batch = batch("vm-7", 3);
        byte[] actual = serializer(true).serialize(topic, batch);

        int id = new SchemaRegistryClient(url, 5000).lookup(topic + "-value", SampleBatch.getClassSchema());
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.write(new byte[] {0, (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id});
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(expected, null);
        new SpecificDatumWriter<>(SampleBatch.class).write(batch, enc);
        enc.flush();
        assertArrayEquals(expected.toByteArray(), actual);
    }

    @Test
    void aCorruptLengthPrefixFailsToDecodeInsteadOfExhaustingTheHeap() {
        byte[] good = serializer(true).serialize(topic, batch("vm-1", 10));
        // The first field, vmId, is a string: its zigzag varint length follows the 5-byte frame header.
        // Claim 1.9 GB (Avro would allocate that before reading) and keep the rest of the record.
        byte[] claim = {(byte) 0x80, (byte) 0xcc, (byte) 0xfd, (byte) 0x93, 0x0e}; // zigzag varint of 1,900,000,000
        int oldPrefix = 1; // "vm-1" has a one-byte length prefix
        byte[] bad = new byte[good.length - oldPrefix + claim.length];
        System.arraycopy(good, 0, bad, 0, 5);
        System.arraycopy(claim, 0, bad, 5, claim.length);
        System.arraycopy(good, 5 + oldPrefix, bad, 5 + claim.length, good.length - 5 - oldPrefix);
        SerializationException e = assertThrows(SerializationException.class, () -> deserializer().deserialize(topic, bad));
        assertTrue(e.getMessage().contains("cannot decode record on " + topic), e.getMessage());
    }

    @Test
    void roundTripsThroughTheRegistry() {
        SampleBatch batch = batch("vm-1", 1000);
        SampleBatch back = deserializer().deserialize(topic, serializer(true).serialize(topic, batch));
        assertEquals(batch, back);
        ByteBuffer view = SampleCodec.view(back.getSamples(), back.getSampleCount());
        assertEquals(999L, SampleCodec.gfn(view.getLong(999 * 8)));
    }

    @Test
    void readsDataWrittenWithAnOlderSchemaUsingDefaults() throws IOException {
        // An earlier SampleBatch without samplingHz and droppedSinceLastBatch.
        Schema old = SchemaBuilder.record("SampleBatch").namespace("io.tierscope.avro").fields()
                .requiredString("vmId").requiredString("host")
                .name("source").type(SampleBatch.getClassSchema().getField("source").schema()).noDefault()
                .requiredLong("batchSeq").requiredLong("startTimeMs").requiredLong("endTimeMs")
                .requiredInt("sampleCount").requiredBytes("samples").endRecord();
        int id = new SchemaRegistryClient(url, 5000).register(topic + "-value", old);
        GenericRecord r = new GenericData.Record(old);
        r.put("vmId", "vm-old");
        r.put("host", "h");
        r.put("source", new GenericData.EnumSymbol(old.getField("source").schema(), "TRACE"));
        r.put("batchSeq", 5L);
        r.put("startTimeMs", 10L);
        r.put("endTimeMs", 20L);
        r.put("sampleCount", 0);
        r.put("samples", ByteBuffer.allocate(0));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {0, (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id});
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(old).write(r, enc);
        enc.flush();

        SampleBatch read = deserializer().deserialize(topic, out.toByteArray());
        assertEquals("vm-old", read.getVmId());
        assertEquals(SampleSource.TRACE, read.getSource());
        assertEquals(0, read.getSamplingHz());
        assertEquals(0L, read.getDroppedSinceLastBatch());
    }

    @Test
    void incompatibleSchemaIsA409WithTheRegistrysReason() {
        Schema other = SchemaBuilder.record("Other").fields().requiredInt("x").endRecord();
        new SchemaRegistryClient(url, 5000).register(topic + "-value", other);
        SchemaRegistryException e = assertThrows(SchemaRegistryException.class,
                () -> serializer(true).serialize(topic, batch("vm-1", 1)));
        assertEquals(409, e.httpStatus());
        assertTrue(e.getMessage().contains("incompatible"), e.getMessage());
    }

    @Test
    void withoutAutoRegisterAnUnregisteredSchemaIsRejected() {
        SchemaRegistryException e = assertThrows(SchemaRegistryException.class,
                () -> serializer(false).serialize(topic, batch("vm-1", 1)));
        assertEquals(404, e.httpStatus());
        assertTrue(e.getMessage().contains("auto.register.schemas=false"), e.getMessage());
    }

    @Test
    void unknownSchemaIdIsNamed() {
        byte[] frame = {0, 0x7f, 0x7f, 0x7f, 0x7f, 0};
        SchemaRegistryException e = assertThrows(SchemaRegistryException.class,
                () -> deserializer().deserialize(topic, frame));
        assertTrue(e.getMessage().contains("unknown schema id " + 0x7f7f7f7f), e.getMessage());
    }

    @Test
    void truncatedAvroPayloadIsReported() {
        byte[] full = serializer(true).serialize(topic, batch("vm-1", 10));
        byte[] cut = java.util.Arrays.copyOf(full, full.length - 7);
        var e = assertThrows(org.apache.kafka.common.errors.SerializationException.class,
                () -> deserializer().deserialize(topic, cut));
        assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("ends early"), e.getMessage());
    }

    private SpecificAvroSerializer<SampleBatch> serializer(boolean autoRegister) {
        SpecificAvroSerializer<SampleBatch> s = new SpecificAvroSerializer<>();
        s.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, url, SerdeConfig.AUTO_REGISTER_SCHEMAS, autoRegister), false);
        return s;
    }

    private SpecificAvroDeserializer<SampleBatch> deserializer() {
        SpecificAvroDeserializer<SampleBatch> d = new SpecificAvroDeserializer<>(SampleBatch.class);
        d.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, url), false);
        return d;
    }

    static SampleBatch batch(String vm, int n) {
        long[] gfns = new long[n];
        byte[] xwr = new byte[n];
        for (int i = 0; i < n; i++) {
            gfns[i] = i;
            xwr[i] = (byte) (1 + i % 7);
        }
        return SampleBatch.newBuilder().setVmId(vm).setHost("host-a").setSource(SampleSource.SYNTHETIC)
                .setBatchSeq(42).setStartTimeMs(1_000).setEndTimeMs(2_000).setSampleCount(n)
                .setSamples(SampleCodec.encode(gfns, xwr, n)).setSamplingHz(100).build();
    }
}
