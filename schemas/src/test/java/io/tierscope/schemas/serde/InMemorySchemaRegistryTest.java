package io.tierscope.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.avro.IngestStats;
import io.tierscope.avro.SampleBatch;
import org.junit.jupiter.api.Test;

class InMemorySchemaRegistryTest {
    @Test
    void answersAndFailsAsTheRestRegistryDoes() {
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        int batch = registry.register("raw-samples-value", SampleBatch.getClassSchema());
        assertEquals(batch, registry.register("other-value", SampleBatch.getClassSchema()), "one id per schema");
        int stats = registry.register("ingest-stats-value", IngestStats.getClassSchema());
        assertTrue(stats != batch);
        assertEquals(stats, registry.lookup("ingest-stats-value", IngestStats.getClassSchema()));
        assertEquals(SampleBatch.getClassSchema(), registry.schemaById(batch));
        assertEquals(404, assertThrows(SchemaRegistryException.class, () -> registry.schemaById(99)).httpStatus());
        assertEquals(404, assertThrows(SchemaRegistryException.class,
                () -> registry.lookup("raw-samples-value", IngestStats.getClassSchema())).httpStatus());
    }

    @Test
    void aRecordRoundTripsThroughTheSerdes() {
        InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
        IngestStats stats = new IngestStats("vm-1", 0L, 10_000L, 3L, 300L, 0L, 0L);
        byte[] bytes = new SpecificAvroSerializer<IngestStats>(registry, true).serialize("ingest-stats", stats);
        assertEquals(stats, new SpecificAvroDeserializer<>(IngestStats.class, registry).deserialize("ingest-stats", bytes));
    }
}
