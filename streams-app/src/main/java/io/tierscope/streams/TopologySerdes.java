package io.tierscope.streams;

import io.tierscope.schemas.serde.SchemaRegistryClient;
import io.tierscope.schemas.serde.SpecificAvroDeserializer;
import io.tierscope.schemas.serde.SpecificAvroSerializer;
import io.tierscope.streams.registry.RegistryHealth;
import io.tierscope.streams.registry.RegistryWait;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** The registry-backed serdes a topology needs, sharing one registry client (and its cache). */
public final class TopologySerdes {
    /** Bound of one registry call; a stream thread waiting for the registry retries after each. */
    public static final long REGISTRY_REQUEST_TIMEOUT_MS = 10_000;

    private final SchemaRegistryClient registry;
    private final RegistryWait registryWait;

    public TopologySerdes(String schemaRegistryUrl) {
        this.registry = new SchemaRegistryClient(schemaRegistryUrl, REGISTRY_REQUEST_TIMEOUT_MS);
        this.registryWait = new RegistryWait(new RegistryHealth(registry.baseUrl()));
    }

    /** How the decoders wait for an unreachable registry; its health is the app's registry status. */
    public RegistryWait registryWait() {
        return registryWait;
    }

    /**
     * The serializer waits for an unreachable registry like the decoders do (it registers each output
     * schema once): an output must not be dropped, nor its input dead-lettered, for a registry blip.
     */
    public <T extends SpecificRecord> Serde<T> value(Class<T> type) {
        SpecificAvroSerializer<T> serializer = new SpecificAvroSerializer<>(registry, true);
        Serializer<T> waiting = (topic, data) -> registryWait.untilAnswered(() -> serializer.serialize(topic, data),
                () -> "a record for " + topic);
        return Serdes.serdeFrom(waiting, new SpecificAvroDeserializer<>(type, registry));
    }
}
