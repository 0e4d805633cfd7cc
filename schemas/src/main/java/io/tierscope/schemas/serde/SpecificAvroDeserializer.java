package io.tierscope.schemas.serde;

import java.io.EOFException;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the Confluent wire format into a SpecificRecord class: the writer's schema is fetched
 * by id (once) and resolved against the class's schema, so records written with an older or
 * newer compatible schema still read. Every malformed input fails with a message that says
 * what is wrong with the bytes.
 */
public final class SpecificAvroDeserializer<T extends SpecificRecord> implements Deserializer<T> {
    /**
     * Avro allocates what a length prefix claims before it reads the bytes, up to 2 GiB by default: one corrupt
     * prefix in one record would be an OutOfMemoryError that kills the stream thread (a poison pill found by the
     * fuzz test). No Tierscope record comes near these bounds (Kafka's own default limit is 1 MiB), so a larger
     * claim is a corrupt record and fails to decode like any other. Set before Avro reads its limits (its first
     * decode); an operator's own -D setting wins.
     */
    static final String MAX_BYTES = String.valueOf(64 << 20);
    static final String MAX_STRING = String.valueOf(1 << 20);
    static final String MAX_ITEMS = String.valueOf(16 << 20);

    static {
        setIfAbsent("org.apache.avro.limits.bytes.maxLength", MAX_BYTES);
        setIfAbsent("org.apache.avro.limits.string.maxLength", MAX_STRING);
        setIfAbsent("org.apache.avro.limits.collectionItems.maxLength", MAX_ITEMS);
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    private final Class<T> type;
    private final Schema readerSchema;
    private SchemaRegistry registry;
    private final Map<Integer, DatumReader<T>> readers = new ConcurrentHashMap<>();

    public SpecificAvroDeserializer(Class<T> type) {
        this.type = type;
        this.readerSchema = SpecificData.get().getSchema(type);
    }

    public SpecificAvroDeserializer(Class<T> type, SchemaRegistry registry) {
        this(type);
        this.registry = registry;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.registry = new SchemaRegistryClient(SerdeConfig.requiredUrl(configs), SerdeConfig.requestTimeoutMs(configs),
                RegistryAuth.fromConfig(configs));
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (registry == null) {
            throw new IllegalStateException("SpecificAvroDeserializer used before configure(): set " + SerdeConfig.SCHEMA_REGISTRY_URL);
        }
        if (data.length < WireFormat.HEADER_BYTES) {
            throw new SerializationException("truncated record on " + topic + ": " + data.length
                    + " bytes, a Confluent-framed value needs at least 5 (magic byte + schema id)");
        }
        if (data[0] != WireFormat.MAGIC_BYTE) {
            throw new SerializationException(String.format("unknown magic byte 0x%02x on %s: not the Confluent wire format"
                    + " (expected 0x00 followed by a 4-byte schema id)", data[0] & 0xff, topic));
        }
        int id = ((data[1] & 0xff) << 24) | ((data[2] & 0xff) << 16) | ((data[3] & 0xff) << 8) | (data[4] & 0xff);
        if (id < 0) {
            throw new SerializationException("negative schema id " + id + " on " + topic + ": registries hand out ids >= 0");
        }
        DatumReader<T> reader = readers.computeIfAbsent(id, this::readerFor);
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, WireFormat.HEADER_BYTES,
                data.length - WireFormat.HEADER_BYTES, null);
        try {
            T value = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new SerializationException("record on " + topic + " with schema id " + id
                        + " has trailing bytes after the Avro data (" + data.length + " bytes in all)");
            }
            return value;
        } catch (EOFException e) {
            throw new SerializationException("truncated record on " + topic + ": the Avro data for schema id " + id
                    + " ends early (" + data.length + " bytes in all)", e);
        } catch (IOException | RuntimeException e) {
            if (e instanceof SerializationException se) {
                throw se;
            }
            throw new SerializationException("cannot decode record on " + topic + " with schema id " + id + " as "
                    + type.getSimpleName() + ": " + e, e);
        }
    }

    private DatumReader<T> readerFor(int id) {
        Schema writer;
        try {
            writer = registry.schemaById(id);
        } catch (SchemaRegistryException e) {
            if (e.httpStatus() == 404) {
                throw new SchemaRegistryException("unknown schema id " + id + " at " + registry.baseUrl()
                        + ": the record was written against another registry, or the schema was deleted", 404, e);
            }
            throw e;
        }
        return new SpecificDatumReader<>(writer, readerSchema, SpecificData.getForClass(type));
    }
}
