package io.tierscope.schemas.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;

/**
 * A client of the Confluent Schema Registry REST API (v7), the dialect Confluent's registry,
 * Apicurio (at /apis/ccompat/v7), Karapace and Redpanda all speak. Only the three calls a
 * serde needs; answers are cached for the life of the client, so the registry sees one call
 * per schema and not one per record.
 */
public final class SchemaRegistryClient implements SchemaRegistry {
    private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String baseUrl;
    private final HttpClient http;
    private final Duration timeout;
    private final RegistryAuth auth;
    /**
     * Keyed by the Schema object, not its JSON: Avro caches a schema's hash and a record class hands out
     * one instance, so a hit costs no Schema.toString() (which was a tenth of the collector's CPU).
     */
    private final Map<SubjectSchema, Integer> idsBySubjectAndSchema = new ConcurrentHashMap<>();

    private record SubjectSchema(String subject, Schema schema) {
    }
    private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

    /** A client without credentials that trusts what the JVM trusts. */
    public SchemaRegistryClient(String baseUrl, long requestTimeoutMs) {
        this(baseUrl, requestTimeoutMs, RegistryAuth.NONE);
    }

    public SchemaRegistryClient(String baseUrl, long requestTimeoutMs, RegistryAuth auth) {
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.timeout = Duration.ofMillis(requestTimeoutMs);
        this.auth = auth;
        this.http = auth.applyTo(HttpClient.newBuilder().connectTimeout(timeout)).build();
    }

    @Override
    public String baseUrl() {
        return baseUrl;
    }

    /** Registers {@code schema} under {@code subject} (idempotent) and returns its global id. */
    @Override
    public int register(String subject, Schema schema) {
        return idsBySubjectAndSchema.computeIfAbsent(new SubjectSchema(subject, schema),
                k -> idFrom(post("/subjects/" + encode(subject) + "/versions", schema), subject));
    }

    /** The id of {@code schema} if it is already registered under {@code subject}. */
    @Override
    public int lookup(String subject, Schema schema) {
        return idsBySubjectAndSchema.computeIfAbsent(new SubjectSchema(subject, schema),
                k -> idFrom(post("/subjects/" + encode(subject), schema), subject));
    }

    /** The schema registered with global id {@code id}. */
    @Override
    public Schema schemaById(int id) {
        return schemasById.computeIfAbsent(id, k -> {
            JsonNode body = send(HttpRequest.newBuilder(uri("/schemas/ids/" + id)).GET(), "fetch schema id " + id);
            return new Schema.Parser().parse(body.get("schema").asText());
        });
    }

    /**
     * Sets the compatibility rule of {@code subject} (BACKWARD, FORWARD, FULL, their _TRANSITIVE forms, NONE):
     * the registry then refuses a new version that breaks it (HTTP 409).
     */
    public void setCompatibility(String subject, String level) {
        ObjectNode request = JSON.createObjectNode().put("compatibility", level);
        send(HttpRequest.newBuilder(uri("/config/" + encode(subject))).header("Content-Type", CONTENT_TYPE)
                .PUT(HttpRequest.BodyPublishers.ofString(request.toString())), "PUT /config/" + subject);
    }

    /** The compatibility rule of {@code subject}, or of the registry when the subject has none of its own. */
    public String compatibility(String subject) {
        try {
            JsonNode body = send(HttpRequest.newBuilder(uri("/config/" + encode(subject))).GET(), "GET /config/" + subject);
            return level(body);
        } catch (SchemaRegistryException e) {
            if (e.httpStatus() != 404) {
                throw e;
            }
            return level(send(HttpRequest.newBuilder(uri("/config")).GET(), "GET /config"));
        }
    }

    private static String level(JsonNode body) {
        JsonNode level = body.has("compatibilityLevel") ? body.get("compatibilityLevel") : body.get("compatibility");
        return level == null ? null : level.asText();
    }

    private static int idFrom(JsonNode body, String subject) {
        JsonNode id = body.get("id");
        if (id == null || !id.canConvertToInt()) {
            throw new SchemaRegistryException("registry answer for subject " + subject + " has no id: " + body, 200, null);
        }
        return id.intValue();
    }

    private JsonNode post(String path, Schema schema) {
        ObjectNode request = JSON.createObjectNode().put("schema", schema.toString());
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path))
                .header("Content-Type", CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(request.toString()));
        return send(builder, "POST " + path);
    }

    private JsonNode send(HttpRequest.Builder builder, String what) {
        auth.applyTo(builder);
        HttpRequest request = builder.header("Accept", CONTENT_TYPE + ", application/json").timeout(timeout).build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new SchemaRegistryException("schema registry at " + baseUrl + " is unreachable (" + what + "): " + e
                    + "; check schema.registry.url / SCHEMA_REGISTRY_URL and that the registry is running", 0, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SchemaRegistryException("interrupted while calling schema registry at " + baseUrl, 0, e);
        }
        int status = response.statusCode();
        if (status / 100 == 2) {
            try {
                return JSON.readTree(response.body());
            } catch (IOException e) {
                throw new SchemaRegistryException("schema registry at " + baseUrl + " answered " + what
                        + " with malformed JSON: " + response.body(), status, e);
            }
        }
        throw new SchemaRegistryException(explain(status, what, response.body()), status, null);
    }

    private String explain(int status, String what, String body) {
        String registryMessage = body;
        try {
            JsonNode node = JSON.readTree(body);
            if (node != null && node.has("message")) {
                registryMessage = node.get("message").asText();
            }
        } catch (IOException ignored) {
            // Not JSON: show the body as it is.
        }
        String prefix = "schema registry at " + baseUrl + " rejected " + what + " (HTTP " + status + "): ";
        if (status == 409) {
            return prefix + "the schema is incompatible with the versions already registered under this subject"
                    + " (compatibility rule of the subject); evolve the schema compatibly or use a new topic. Registry says: "
                    + registryMessage;
        }
        if (status == 404) {
            return prefix + "not found (" + registryMessage + "); with auto.register.schemas=false the schema must be"
                    + " registered beforehand, and a schema id must exist in the registry the data was written with";
        }
        if (status == 401 || status == 403) {
            return prefix + "not authorized with " + auth + "; give the registry credentials (basic.auth.user.info or"
                    + " bearer.auth.token) in the --client-config file. Registry says: " + registryMessage;
        }
        if (status == 422) {
            return prefix + "the registry considers the schema invalid: " + registryMessage;
        }
        return prefix + registryMessage;
    }

    private URI uri(String path) {
        return URI.create(baseUrl + path);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
