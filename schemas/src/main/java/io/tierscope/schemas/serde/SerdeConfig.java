package io.tierscope.schemas.serde;

import java.util.Map;

/** Configuration keys of the registry-aware serdes (the same names Confluent's serdes use). */
public final class SerdeConfig {
    /** Base URL of a Confluent-compatible registry API, e.g. http://127.0.0.1:8081/apis/ccompat/v7. Required. */
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    /** Register the writer schema under {@code <topic>-value} on first use (default true); when false it must already be registered. */
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    /** Timeout of one registry HTTP request in milliseconds (default 10000). */
    public static final String REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";
    /** Where the basic auth credentials come from: only USER_INFO (the default when user info is given). */
    public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    /** {@code user:password} sent as HTTP basic auth to the registry. */
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    /** Where the bearer token comes from: only STATIC_TOKEN (the default when a token is given). */
    public static final String BEARER_AUTH_CREDENTIALS_SOURCE = "bearer.auth.credentials.source";
    /** A token sent as {@code Authorization: Bearer <token>} to the registry. */
    public static final String BEARER_AUTH_TOKEN = "bearer.auth.token";
    /** Trust store for an https registry whose certificate the JVM does not trust by default. */
    public static final String SSL_TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
    public static final String SSL_TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
    /** PKCS12 (the JVM default) or JKS. */
    public static final String SSL_TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";

    /** Every key that configures how the registry client authenticates or trusts the registry. */
    public static final java.util.Set<String> REGISTRY_AUTH_KEYS = java.util.Set.of(BASIC_AUTH_CREDENTIALS_SOURCE,
            BASIC_AUTH_USER_INFO, BEARER_AUTH_CREDENTIALS_SOURCE, BEARER_AUTH_TOKEN, SSL_TRUSTSTORE_LOCATION,
            SSL_TRUSTSTORE_PASSWORD, SSL_TRUSTSTORE_TYPE);

    private SerdeConfig() {
    }

    static String requiredUrl(Map<String, ?> configs) {
        Object url = configs.get(SCHEMA_REGISTRY_URL);
        if (url == null || url.toString().isBlank()) {
            throw new IllegalArgumentException("missing serde config '" + SCHEMA_REGISTRY_URL
                    + "': the URL of a Confluent-compatible schema registry API");
        }
        return url.toString();
    }

    static boolean autoRegister(Map<String, ?> configs) {
        Object v = configs.get(AUTO_REGISTER_SCHEMAS);
        return v == null || Boolean.parseBoolean(v.toString());
    }

    static long requestTimeoutMs(Map<String, ?> configs) {
        Object v = configs.get(REQUEST_TIMEOUT_MS);
        return v == null ? 10_000L : Long.parseLong(v.toString());
    }
}
