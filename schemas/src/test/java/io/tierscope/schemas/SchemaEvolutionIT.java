package io.tierscope.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.avro.AdScan;
import io.tierscope.avro.PageHeatChunk;
import io.tierscope.avro.SampleBatch;
import io.tierscope.avro.SampleSource;
import io.tierscope.avro.ScanSource;
import io.tierscope.platform.Platform;
import io.tierscope.platform.testing.PlatformExtension;
import io.tierscope.schemas.serde.SchemaRegistryClient;
import io.tierscope.schemas.serde.SchemaRegistryException;
import io.tierscope.schemas.serde.SerdeConfig;
import io.tierscope.schemas.serde.SpecificAvroDeserializer;
import io.tierscope.schemas.serde.SpecificAvroSerializer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Schema evolution through the real registry: records of the previous input schemas read with the
 * current classes and current records with the previous schemas, on subjects with FULL compatibility
 * (what we promise for the input topics); the registry refuses a change that breaks the rule.
 */
@ExtendWith(PlatformExtension.class)
class SchemaEvolutionIT {
    private String url;
    private SchemaRegistryClient registry;
    private String topic;

    @BeforeEach
    void setUp(Platform platform) {
        url = platform.schemaRegistryUrl();
        registry = new SchemaRegistryClient(url, 10_000);
        topic = "evolution-it-" + UUID.randomUUID();
    }

    @Test
    void currentReaderReadsPreviousSampleBatchesAndPreviousReaderReadsCurrentOnes() throws IOException {
        Schema previous = SchemaVersionsTest.previous("SampleBatch-2.avsc");
        registry.setCompatibility(subject(), "FULL");
        assertEquals("FULL", registry.compatibility(subject()));

        GenericRecord old = new GenericData.Record(previous);
        old.put("vmId", "vm-old");
        old.put("host", "h");
        old.put("source", new GenericData.EnumSymbol(previous.getField("source").schema(), "TRACE"));
        old.put("batchSeq", 5L);
        old.put("startTimeMs", 10L);
        old.put("endTimeMs", 20L);
        old.put("sampleCount", 1);
        old.put("samples", ByteBuffer.wrap(new byte[] {9, 0, 0, 0, 0, 0, 0, 0}));
        old.put("samplingHz", 99);
        old.put("droppedSinceLastBatch", 3L);
        old.put("prefilterRate", 0.5);
        old.put("prefilteredOut", 7L);
        SampleBatch read = deserializer(SampleBatch.class).deserialize(topic, frame(registry.register(subject(), previous), previous, old));
        assertEquals("vm-old", read.getVmId());
        assertEquals(0.5, read.getPrefilterRate());
        assertEquals(7L, read.getPrefilteredOut());
        assertNull(read.getCollectorVersion(), "a field the writer did not have reads as its default");

        SampleBatch current = SampleBatch.newBuilder().setVmId("vm-new").setHost("h").setSource(SampleSource.SYNTHETIC)
                .setBatchSeq(6).setStartTimeMs(30).setEndTimeMs(40).setSampleCount(0).setSamples(ByteBuffer.allocate(0))
                .setCollectorVersion("2.1.0").build();
        GenericRecord readByPrevious = readWith(previous, serializer().serialize(topic, current));
        assertEquals("vm-new", readByPrevious.get("vmId").toString());
        assertEquals(6L, readByPrevious.get("batchSeq"));
        assertEquals(1.0, readByPrevious.get("prefilterRate"));
        assertEquals(null, readByPrevious.getSchema().getField("collectorVersion"), "the previous reader does not see the new field");
    }

    @Test
    void currentReaderReadsPreviousScansAndPreviousReaderReadsCurrentOnes() throws IOException {
        Schema previous = SchemaVersionsTest.previous("AdScan-1.avsc");
        registry.setCompatibility(subject(), "FULL");
        GenericRecord old = oldScan(previous, "SOFT_DIRTY");
        AdScan read = deserializer(AdScan.class).deserialize(topic, frame(registry.register(subject(), previous), previous, old));
        assertEquals(ByteBuffer.wrap(new byte[] {(byte) 0x81}), read.getAccessed());
        assertNull(read.getCollectorVersion());

        AdScan current = AdScan.newBuilder().setVmId("vm-new").setHost("h").setSource(ScanSource.SYNTHETIC).setScanSeq(2)
                .setTimeMs(2000).setPeriodMs(1000).setBaseGfn(0).setPageCount(8).setAccessed(ByteBuffer.wrap(new byte[] {1}))
                .setCollectorVersion("2.1.0").build();
        GenericRecord readByPrevious = readWith(previous, serializer().serialize(topic, current));
        assertEquals(2L, readByPrevious.get("scanSeq"));
        assertEquals(ByteBuffer.wrap(new byte[] {1}), readByPrevious.get("accessed"));
    }

    @Test
    void scansBeforeRunsStillDecodeAndRunsAreInvisibleToAnOlderReader() throws IOException {
        Schema previous = SchemaVersionsTest.previous("AdScan-2.avsc");
        registry.setCompatibility(subject(), "FULL");
        GenericRecord old = oldScan(previous, "IDLE_PAGE_TRACKING");
        old.put("dirty", ByteBuffer.wrap(new byte[] {1}));
        old.put("collectorVersion", "2.0.0");
        AdScan read = deserializer(AdScan.class).deserialize(topic, frame(registry.register(subject(), previous), previous, old));
        assertEquals(ByteBuffer.wrap(new byte[] {(byte) 0x81}), read.getAccessed());
        assertNull(read.getAccessedRuns(), "a bitmap scan has no runs");
        assertNull(read.getDirtyRuns());

        // A collector sending runs: the registry accepts the schema under FULL; a reader of the previous
        // version sees an empty bitmap, which its input checks refuse (dead letter): upgrade the streams app first.
        AdScan current = AdScan.newBuilder().setVmId("vm-new").setHost("h").setSource(ScanSource.SYNTHETIC).setScanSeq(2)
                .setTimeMs(2000).setPeriodMs(1000).setBaseGfn(0).setPageCount(8).setAccessed(ByteBuffer.allocate(0))
                .setAccessedRuns(ByteBuffer.wrap(new byte[] {0, 1})).build();
        GenericRecord readByPrevious = readWith(previous, serializer().serialize(topic, current));
        assertEquals(ByteBuffer.allocate(0), readByPrevious.get("accessed"));
    }

    @Test
    void pageHeatWithoutCountsReadsAndAPreviousPlannerReadsCountedHeat() throws IOException {
        Schema previous = SchemaVersionsTest.previous("PageHeatChunk-1.avsc");
        registry.setCompatibility(subject(), "FULL");
        GenericRecord old = new GenericData.Record(previous);
        old.put("vmId", "vm-old");
        old.put("chunkIndex", 1L);
        old.put("baseGfn", 2L);
        old.put("pageCount", 2);
        old.put("lastScanSeq", 3L);
        old.put("timeMs", 4L);
        old.put("classifier", "fsm5");
        old.put("accessStates", ByteBuffer.wrap(new byte[] {4, 0}));
        old.put("writeStates", null);
        PageHeatChunk read = deserializer(PageHeatChunk.class)
                .deserialize(topic, frame(registry.register(subject(), previous), previous, old));
        assertEquals(2L, read.getBaseGfn());
        assertNull(read.getSampledCounts(), "heat of the previous release has no counts");

        PageHeatChunk current = PageHeatChunk.newBuilder(read).setVmId("vm-new")
                .setSampledCounts(ByteBuffer.wrap(new byte[] {0, 48, 0, 0})).build();
        GenericRecord readByPrevious = readWith(previous, serializer().serialize(topic, current));
        assertEquals("vm-new", readByPrevious.get("vmId").toString());
        assertEquals(ByteBuffer.wrap(new byte[] {4, 0}), readByPrevious.get("accessStates"));
    }

    @Test
    void aRequiredNewFieldIsRefusedUnderFullCompatibility() throws IOException {
        registry.setCompatibility(subject(), "FULL");
        registry.register(subject(), SchemaVersionsTest.previous("SampleBatch-2.avsc"));
        Schema withRequired = withExtraField(SampleBatch.getClassSchema(), "{\"name\": \"rack\", \"type\": \"string\"}");
        SchemaRegistryException e = assertThrows(SchemaRegistryException.class, () -> registry.register(subject(), withRequired));
        assertEquals(409, e.httpStatus());
        assertTrue(e.getMessage().contains("incompatible with the versions already registered"), e.getMessage());
    }

    @Test
    void aChangedFieldTypeIsRefusedUnderBackwardCompatibility() throws IOException {
        registry.setCompatibility(subject(), "BACKWARD");
        registry.register(subject(), SampleBatch.getClassSchema());
        Schema retyped = new Schema.Parser().parse(SampleBatch.getClassSchema().toString()
                .replace("{\"name\":\"batchSeq\",\"type\":\"long\"", "{\"name\":\"batchSeq\",\"type\":\"string\""));
        SchemaRegistryException e = assertThrows(SchemaRegistryException.class, () -> registry.register(subject(), retyped));
        assertEquals(409, e.httpStatus());
        assertTrue(e.getMessage().contains("incompatible"), e.getMessage());
    }

    /** An 8-page scan with accessed bits 0 and 7, no dirty bits, in a previous schema. */
    private static GenericRecord oldScan(Schema previous, String source) {
        GenericRecord old = new GenericData.Record(previous);
        old.put("vmId", "vm-old");
        old.put("host", "h");
        old.put("source", new GenericData.EnumSymbol(previous.getField("source").schema(), source));
        old.put("scanSeq", 1L);
        old.put("timeMs", 1000L);
        old.put("periodMs", 1000);
        old.put("baseGfn", 0L);
        old.put("pageCount", 8);
        old.put("accessed", ByteBuffer.wrap(new byte[] {(byte) 0x81}));
        old.put("dirty", null);
        return old;
    }

    private String subject() {
        return topic + "-value";
    }

    private SpecificAvroSerializer<SpecificRecord> serializer() {
        SpecificAvroSerializer<SpecificRecord> s = new SpecificAvroSerializer<>();
        s.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, url), false);
        return s;
    }

    private <T extends SpecificRecord> SpecificAvroDeserializer<T> deserializer(Class<T> type) {
        SpecificAvroDeserializer<T> d = new SpecificAvroDeserializer<>(type);
        d.configure(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, url), false);
        return d;
    }

    /** Reads a Confluent frame as a consumer built with {@code readerSchema} would: writer schema from the registry. */
    private GenericRecord readWith(Schema readerSchema, byte[] frame) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(frame);
        assertEquals(0, buffer.get());
        Schema writer = registry.schemaById(buffer.getInt());
        return new GenericDatumReader<GenericRecord>(writer, readerSchema)
                .read(null, DecoderFactory.get().binaryDecoder(frame, 5, frame.length - 5, null));
    }

    private static byte[] frame(int id, Schema schema, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {0, (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id});
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static Schema withExtraField(Schema schema, String fieldJson) {
        String json = schema.toString();
        return new Schema.Parser().parse(json.substring(0, json.lastIndexOf(']')) + "," + fieldJson + "]}");
    }
}
