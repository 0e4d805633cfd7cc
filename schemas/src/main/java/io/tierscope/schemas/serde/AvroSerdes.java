package io.tierscope.schemas.serde;

import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** Registry-aware value serdes for the topics' Avro types. */
public final class AvroSerdes {
    private AvroSerdes() {
    }

    /** A value serde for {@code type}, configured against the registry at {@code registryUrl}. */
    public static <T extends SpecificRecord> Serde<T> valueSerde(Class<T> type, String registryUrl) {
        return valueSerde(type, Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, registryUrl));
    }

    /** A value serde for {@code type} configured with serde configs (see {@link SerdeConfig}). */
    public static <T extends SpecificRecord> Serde<T> valueSerde(Class<T> type, Map<String, ?> configs) {
        Serde<T> serde = Serdes.serdeFrom(new SpecificAvroSerializer<>(), new SpecificAvroDeserializer<>(type));
        serde.configure(configs, false);
        return serde;
    }
}
