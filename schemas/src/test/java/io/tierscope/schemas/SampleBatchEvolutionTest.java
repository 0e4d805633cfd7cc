package io.tierscope.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tierscope.avro.SampleBatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.Test;

/** SampleBatch stays BACKWARD compatible: batches of collectors without the pre-filter fields still read. */
class SampleBatchEvolutionTest {

    private static Schema previous() throws IOException {
        try (InputStream in = SampleBatchEvolutionTest.class.getResourceAsStream("/previous-schemas/SampleBatch-1.avsc")) {
            return new Schema.Parser().parse(in);
        }
    }

    @Test
    void currentSchemaReadsThePreviousOne() throws IOException {
        SchemaCompatibility.SchemaPairCompatibility result =
                SchemaCompatibility.checkReaderWriterCompatibility(SampleBatch.getClassSchema(), previous());
        assertEquals(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE, result.getType(), result.getDescription());
    }

    @Test
    void previousBatchesReadAsUnfiltered() throws IOException {
        Schema old = previous();
        GenericRecord r = new GenericData.Record(old);
        r.put("vmId", "vm-1");
        r.put("host", "h");
        r.put("source", new GenericData.EnumSymbol(old.getField("source").schema(), "TRACE"));
        r.put("batchSeq", 3L);
        r.put("startTimeMs", 10L);
        r.put("endTimeMs", 20L);
        r.put("sampleCount", 0);
        r.put("samples", ByteBuffer.allocate(0));
        r.put("samplingHz", 0);
        r.put("droppedSinceLastBatch", 0L);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new GenericDatumWriter<GenericRecord>(old).write(r, encoder);
        encoder.flush();
        SampleBatch read = new SpecificDatumReader<SampleBatch>(old, SampleBatch.getClassSchema())
                .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
        assertEquals(1.0, read.getPrefilterRate());
        assertEquals(0L, read.getPrefilteredOut());
        assertEquals(3L, read.getBatchSeq());
    }
}
