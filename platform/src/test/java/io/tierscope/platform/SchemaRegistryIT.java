package io.tierscope.platform;

import io.tierscope.platform.registry.RegistryHttp;
import io.tierscope.platform.testing.PlatformExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The registry answers the Confluent REST API the project's serdes use, with BACKWARD compatibility on. */
@ExtendWith(PlatformExtension.class)
class SchemaRegistryIT {
    private static final String V1 = "{\"type\":\"record\",\"name\":\"Probe\",\"namespace\":\"io.tierscope.it\","
            + "\"fields\":[{\"name\":\"vm\",\"type\":\"string\"}]}";
    private static final String V2_WITH_DEFAULT = "{\"type\":\"record\",\"name\":\"Probe\",\"namespace\":\"io.tierscope.it\","
            + "\"fields\":[{\"name\":\"vm\",\"type\":\"string\"},{\"name\":\"host\",\"type\":\"string\",\"default\":\"\"}]}";
    private static final String V2_WITHOUT_DEFAULT = "{\"type\":\"record\",\"name\":\"Probe\",\"namespace\":\"io.tierscope.it\","
            + "\"fields\":[{\"name\":\"vm\",\"type\":\"string\"},{\"name\":\"pages\",\"type\":\"long\"}]}";

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void registersLooksUpAndEnforcesBackwardCompatibility(Platform platform) throws Exception {
        String url = platform.schemaRegistryUrl();
        String subject = PlatformExtension.uniqueTopic("registry-probe") + "-value";

        HttpResponse<String> registered = register(url, subject, V1);
        assertEquals(200, registered.statusCode(), registered.body());
        int id = intField(registered.body(), "id");

        HttpResponse<String> byId = send(HttpRequest.newBuilder(URI.create(url + "/schemas/ids/" + id)).GET());
        assertEquals(200, byId.statusCode(), byId.body());
        assertTrue(byId.body().contains("Probe") && byId.body().contains("vm"), byId.body());

        HttpResponse<String> latest = send(HttpRequest.newBuilder(URI.create(url + "/subjects/" + subject + "/versions/latest")).GET());
        assertEquals(200, latest.statusCode(), latest.body());
        assertEquals(id, intField(latest.body(), "id"));
        assertEquals(1, intField(latest.body(), "version"));

        HttpResponse<String> again = register(url, subject, V1);
        assertEquals(id, intField(again.body(), "id"), "re-registering the same schema returns its id");

        HttpResponse<String> incompatible = register(url, subject, V2_WITHOUT_DEFAULT);
        assertEquals(409, incompatible.statusCode(), "a new field without default breaks BACKWARD: " + incompatible.body());

        HttpResponse<String> compatible = register(url, subject, V2_WITH_DEFAULT);
        assertEquals(200, compatible.statusCode(), compatible.body());
        assertNotEquals(id, intField(compatible.body(), "id"));
    }

    @Test
    void globalCompatibilityIsBackward(Platform platform) throws Exception {
        HttpResponse<String> config = send(HttpRequest.newBuilder(URI.create(platform.schemaRegistryUrl() + "/config")).GET());
        assertEquals(200, config.statusCode(), config.body());
        assertTrue(config.body().contains("\"BACKWARD\""), config.body());
    }

    private HttpResponse<String> register(String url, String subject, String schema) throws IOException, InterruptedException {
        String body = "{\"schema\":\"" + schema.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
        return send(HttpRequest.newBuilder(URI.create(url + "/subjects/" + subject + "/versions"))
                .header("Content-Type", RegistryHttp.CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.header("Accept", RegistryHttp.CONTENT_TYPE).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int intField(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\"\\s*:\\s*(\\d+)").matcher(json);
        assertTrue(m.find(), "no numeric \"" + field + "\" in " + json);
        return Integer.parseInt(m.group(1));
    }
}
