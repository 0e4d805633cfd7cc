package io.tierscope.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tierscope.avro.PageHeatChunk;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/**
 * PageHeatChunk records across the sampled counts field (compatibility itself: {@link SchemaVersionsTest}): old
 * records read with the counts null, and old readers (planners of the previous release) read new records.
 */
class PageHeatChunkEvolutionTest {

    private static Schema previous() throws IOException {
        return SchemaVersionsTest.previous("PageHeatChunk-1.avsc");
    }

    @Test
    void oldRecordsReadWithoutCountsAndNewRecordsReadWithTheOldSchema() throws IOException {
        Schema old = previous();
        GenericRecord r = new GenericData.Record(old);
        r.put("vmId", "vm-1");
        r.put("chunkIndex", 2L);
        r.put("baseGfn", 64L);
        r.put("pageCount", 2);
        r.put("lastScanSeq", 5L);
        r.put("timeMs", 9L);
        r.put("classifier", "fsm5");
        r.put("accessStates", ByteBuffer.wrap(new byte[] {4, 0}));
        r.put("writeStates", null);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
        new GenericDatumWriter<GenericRecord>(old).write(r, encoder);
        encoder.flush();
        PageHeatChunk read = new SpecificDatumReader<PageHeatChunk>(old, PageHeatChunk.getClassSchema())
                .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
        assertNull(read.getSampledCounts());
        assertEquals(64L, read.getBaseGfn());

        read.setSampledCounts(ByteBuffer.wrap(new byte[] {0, 16, 0, 0}));
        ByteArrayOutputStream newer = new ByteArrayOutputStream();
        encoder = EncoderFactory.get().binaryEncoder(newer, null);
        new SpecificDatumWriter<PageHeatChunk>(PageHeatChunk.getClassSchema()).write(read, encoder);
        encoder.flush();
        GenericRecord back = new GenericDatumReader<GenericRecord>(PageHeatChunk.getClassSchema(), old)
                .read(null, DecoderFactory.get().binaryDecoder(newer.toByteArray(), null));
        assertEquals("vm-1", back.get("vmId").toString());
        assertEquals(5L, back.get("lastScanSeq"));
    }
}
