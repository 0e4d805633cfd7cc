package io.tierscope.platform;

/**
 * A Kafka cluster plus a schema registry speaking the Confluent REST API, either started here
 * ({@link EmbeddedPlatform}) or reached over the network ({@link ExternalPlatform}).
 */
public interface Platform extends AutoCloseable {

    /** Value for the clients' {@code bootstrap.servers}. */
    String bootstrapServers();

    /** Base URL of the Confluent-compatible registry API, e.g. {@code http://127.0.0.1:8081/apis/ccompat/v7}. */
    String schemaRegistryUrl();

    /** True when this JVM started (and owns) the broker and registry. */
    boolean embedded();

    /** Stops what this platform started; does nothing for an external one. Idempotent. */
    @Override
    void close();
}
