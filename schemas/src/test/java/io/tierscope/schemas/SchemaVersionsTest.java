package io.tierscope.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tierscope.avro.AdScan;
import io.tierscope.avro.MissRatioCurve;
import io.tierscope.avro.PageHeatChunk;
import io.tierscope.avro.SampleBatch;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.junit.jupiter.api.Test;

/**
 * The input schemas are FULL compatible with every earlier version kept in previous-schemas: the
 * current schema reads records of each earlier one (BACKWARD), and each earlier reader reads
 * current records (FORWARD), so collectors and the streams app can be upgraded in either order.
 */
class SchemaVersionsTest {
    @Test
    void sampleBatchIsFullyCompatibleWithEveryEarlierVersion() throws IOException {
        assertFull(SampleBatch.getClassSchema(), List.of("SampleBatch-1.avsc", "SampleBatch-2.avsc"));
    }

    @Test
    void adScanIsFullyCompatibleWithEveryEarlierVersion() throws IOException {
        assertFull(AdScan.getClassSchema(), List.of("AdScan-1.avsc", "AdScan-2.avsc"));
    }

    /** The MRC topics promise BACKWARD (readers upgrade first); the added interpolation error keeps FULL. */
    @Test
    void missRatioCurveIsFullyCompatibleWithEveryEarlierVersion() throws IOException {
        assertFull(MissRatioCurve.getClassSchema(), List.of("MissRatioCurve-1.avsc"));
        Schema.Field field = MissRatioCurve.getClassSchema().getField("interpolationError");
        assertEquals(JsonProperties.NULL_VALUE, field.defaultVal());
    }

    /** Page heat gained the sampled access counts: optional, so planners and the streams app upgrade in either order. */
    @Test
    void pageHeatChunkIsFullyCompatibleWithEveryEarlierVersion() throws IOException {
        assertFull(PageHeatChunk.getClassSchema(), List.of("PageHeatChunk-1.avsc"));
        Schema.Field field = PageHeatChunk.getClassSchema().getField("sampledCounts");
        assertEquals(JsonProperties.NULL_VALUE, field.defaultVal());
    }

    @Test
    void theNewestFieldIsOptionalWithANullDefault() {
        for (Schema schema : List.of(SampleBatch.getClassSchema(), AdScan.getClassSchema())) {
            Schema.Field field = schema.getField("collectorVersion");
            assertEquals(Schema.Type.UNION, field.schema().getType(), schema.getName());
            assertEquals(Schema.Type.NULL, field.schema().getTypes().get(0).getType(), schema.getName());
            assertEquals(JsonProperties.NULL_VALUE, field.defaultVal(), schema.getName());
        }
    }

    private static void assertFull(Schema current, List<String> previousFiles) throws IOException {
        for (String file : previousFiles) {
            Schema previous = previous(file);
            var backward = SchemaCompatibility.checkReaderWriterCompatibility(current, previous);
            assertEquals(SchemaCompatibilityType.COMPATIBLE, backward.getType(), file + " -> current: " + backward.getDescription());
            var forward = SchemaCompatibility.checkReaderWriterCompatibility(previous, current);
            assertEquals(SchemaCompatibilityType.COMPATIBLE, forward.getType(), "current -> " + file + ": " + forward.getDescription());
        }
    }

    static Schema previous(String file) throws IOException {
        try (InputStream in = SchemaVersionsTest.class.getResourceAsStream("/previous-schemas/" + file)) {
            if (in == null) {
                throw new IOException("missing test resource previous-schemas/" + file);
            }
            return new Schema.Parser().parse(in);
        }
    }
}
