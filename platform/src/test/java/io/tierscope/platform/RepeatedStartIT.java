package io.tierscope.platform;

import io.tierscope.platform.process.FreePorts;
import io.tierscope.platform.registry.RegistryHttp;
import io.tierscope.platform.testing.TestTopics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo runs twice in a row: same data dir, same fixed ports, records and schemas of the first run still there. */
class RepeatedStartIT {

    @Test
    void secondStartOnTheSameDataDirAndPortsSeesTheFirstRunsData(@TempDir Path dir) throws Exception {
        int[] ports = FreePorts.pick(3);
        PlatformConfig config = PlatformConfig.builder().dataDir(dir)
                .kafkaPort(ports[0]).controllerPort(ports[1]).registryPort(ports[2]).build();
        String topic = "repeated-start";
        String schemaId;

        EmbeddedPlatform first = EmbeddedPlatform.start(config);
        try {
            TestTopics.create(first, topic, 1);
            KafkaTestClients.send(first.bootstrapServers(), topic, List.of("from-the-first-run"));
            schemaId = register(first.schemaRegistryUrl());
        } finally {
            first.close();
        }
        first.close(); // idempotent

        try (EmbeddedPlatform second = EmbeddedPlatform.start(config)) {
            assertEquals(first.bootstrapServers(), second.bootstrapServers());
            assertEquals(first.schemaRegistryUrl(), second.schemaRegistryUrl());
            assertTrue(new RegistryHttp(second.schemaRegistryUrl()).isUp());
            assertEquals(schemaId, register(second.schemaRegistryUrl()),
                    "the registry keeps its schemas, so ids in records of the first run stay valid");
            HttpResponse<String> other = post(second.schemaRegistryUrl(), "other-value", "{\\\"type\\\":\\\"string\\\"}");
            assertNotEquals(schemaId, idOf(other.body()), "a new schema must not reuse an id of the first run");
            assertEquals(List.of("from-the-first-run"),
                    KafkaTestClients.read(second.bootstrapServers(), topic, "read_committed", 1));
        }
    }

    private static final String SCHEMA = "{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"R\\\",\\\"fields\\\":[]}";

    private static String register(String url) throws Exception {
        HttpResponse<String> response = post(url, "repeated-start-value", SCHEMA);
        assertEquals(200, response.statusCode(), response.body());
        return idOf(response.body());
    }

    private static HttpResponse<String> post(String url, String subject, String escapedSchema) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/subjects/" + subject + "/versions"))
                .header("Content-Type", RegistryHttp.CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString("{\"schema\":\"" + escapedSchema + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String idOf(String json) {
        Matcher m = Pattern.compile("\"id\"\\s*:\\s*(\\d+)").matcher(json);
        assertTrue(m.find(), json);
        return m.group(1);
    }
}
