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
