package io.tierscope.streams;

import io.tierscope.schemas.serde.SchemaRegistry;
import io.tierscope.schemas.serde.SchemaRegistryClient;
import io.tierscope.schemas.serde.SpecificAvroDeserializer;
import io.tierscope.schemas.serde.SpecificAvroSerializer;
import io.tierscope.streams.registry.RegistryHealth;
import io.tierscope.streams.registry.RegistryWait;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** The registry-backed serdes a topology needs, sharing one registry client (and its cache). */
public final class TopologySerdes {
    /** Bound of one registry call; a stream thread waiting for the registry retries after each. */
    public static final long REGISTRY_REQUEST_TIMEOUT_MS = 10_000;

    private final SchemaRegistry registry;
    private final RegistryWait registryWait;

    public TopologySerdes(String schemaRegistryUrl) {
        this(new SchemaRegistryClient(schemaRegistryUrl, REGISTRY_REQUEST_TIMEOUT_MS));
    }

    /** Serdes over {@code registry} (with its credentials); its calls should be bounded by about {@link #REGISTRY_REQUEST_TIMEOUT_MS}. */
    public TopologySerdes(SchemaRegistry registry) {
        this.registry = registry;
        this.registryWait = new RegistryWait(new RegistryHealth(registry.baseUrl()));
    }

    /** How the decoders wait for an unreachable registry; its health is the app's registry status. */
    public RegistryWait registryWait() {
        return registryWait;
    }

    /**
     * Serde of output and state store values. Both directions wait for an unreachable registry like
     * the decoders do: the serializer registers each output schema once, and a store read after a
     * restart (a processor's init, a lookup) fetches the schema of the stored bytes. An output must
     * not be dropped, nor a task fail, for a registry blip.
     */
    public <T extends SpecificRecord> Serde<T> value(Class<T> type) {
        SpecificAvroSerializer<T> serializer = new SpecificAvroSerializer<>(registry, true);
        SpecificAvroDeserializer<T> deserializer = new SpecificAvroDeserializer<>(type, registry);
        Serializer<T> waitingSerializer = (topic, data) -> registryWait.untilAnswered(
                () -> serializer.serialize(topic, data), () -> "a " + type.getSimpleName() + " for " + topic);
        Deserializer<T> waitingDeserializer = (topic, data) -> registryWait.untilAnswered(
                () -> deserializer.deserialize(topic, data), () -> "a stored " + type.getSimpleName());
        return Serdes.serdeFrom(waitingSerializer, waitingDeserializer);
    }

    /**
     * Deserializer of an input topic's values, for the decoders: it does not wait itself, the decoder
     * does (and names the record it holds), and dead-letters what it says is malformed.
     */
    public <T extends SpecificRecord> Deserializer<T> inputDeserializer(Class<T> type) {
        return new SpecificAvroDeserializer<>(type, registry);
    }
}
