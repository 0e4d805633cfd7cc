package io.tierscope.streams;

import io.tierscope.schemas.serde.SchemaRegistryClient;
import io.tierscope.schemas.serde.SpecificAvroDeserializer;
import io.tierscope.schemas.serde.SpecificAvroSerializer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** The registry-backed serdes a topology needs, sharing one registry client (and its cache). */
public final class TopologySerdes {
    private final SchemaRegistryClient registry;

    public TopologySerdes(String schemaRegistryUrl) {
        this.registry = new SchemaRegistryClient(schemaRegistryUrl, 10_000);
    }

    public <T extends SpecificRecord> Serde<T> value(Class<T> type) {
        return Serdes.serdeFrom(new SpecificAvroSerializer<>(registry, true), new SpecificAvroDeserializer<>(type, registry));
    }
}
