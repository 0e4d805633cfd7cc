package io.tierscope.schemas.serde;

import org.apache.avro.Schema;

/**
 * The three registry calls a serde makes. {@link SchemaRegistryClient} makes them over HTTP;
 * {@link InMemorySchemaRegistry} answers them itself, for topology tests without a registry.
 * Failures are {@link SchemaRegistryException}s with the HTTP status the registry would answer.
 */
public interface SchemaRegistry {
    /** Where the registry is, for messages. */
    String baseUrl();

    /** Registers {@code schema} under {@code subject} (idempotent) and returns its global id. */
    int register(String subject, Schema schema);

    /** The id of {@code schema} if it is already registered under {@code subject}. */
    int lookup(String subject, Schema schema);

    /** The schema registered with global id {@code id}. */
    Schema schemaById(int id);
}
