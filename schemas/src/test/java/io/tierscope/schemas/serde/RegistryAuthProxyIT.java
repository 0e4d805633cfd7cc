package io.tierscope.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tierscope.avro.SampleBatch;
import io.tierscope.cli.ClientSecurity;
import io.tierscope.platform.Platform;
import io.tierscope.platform.testing.PlatformExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Registry credentials end to end: the embedded registry (Apicurio authenticates only through an OIDC server)
 * behind a small reverse proxy that checks the Authorization header the way an authenticating registry or its
 * gateway does, answering 401 otherwise and forwarding everything else. Without credentials the client is
 * refused; with basic auth or a bearer token from the client config it registers the schema in the real registry
 * and a record round-trips.
 */
@ExtendWith(PlatformExtension.class)
class RegistryAuthProxyIT {
    private static final String USER_INFO = "tierscope:s3cret";
    private static final String TOKEN = "eyJ.registry-it";
    private static final Set<String> ACCEPTED = Set.of(
            "Basic " + Base64.getEncoder().encodeToString(USER_INFO.getBytes(StandardCharsets.UTF_8)), "Bearer " + TOKEN);

    private final AtomicInteger forwarded = new AtomicInteger();
    private HttpServer proxy;

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.stop(0);
        }
    }

    @Test
    void withoutCredentialsRefusedWithCredentialsASchemaIsRegisteredAndARecordDecoded(Platform platform) throws Exception {
        String url = startProxy(platform.schemaRegistryUrl());
        String topic = PlatformExtension.uniqueTopic("registry-auth");
        SampleBatch batch = SpecificAvroDeserializerTest.batch();

        HttpResponse<String> bare = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/subjects")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, bare.statusCode(), "no credentials, no registry");
        SpecificAvroSerializer<SampleBatch> anonymous = new SpecificAvroSerializer<>();
        anonymous.configure(ClientSecurity.NONE.serdeConfig(url), false);
        Exception refused = assertThrows(Exception.class, () -> anonymous.serialize(topic, batch));
        assertTrue(messages(refused).contains("not authorized"), messages(refused));
        assertEquals(0, forwarded.get(), "nothing reached the registry");

        ClientSecurity basic = ClientSecurity.of(Map.of("basic.auth.credentials.source", "USER_INFO",
                "basic.auth.user.info", USER_INFO));
        SpecificAvroSerializer<SampleBatch> serializer = new SpecificAvroSerializer<>();
        serializer.configure(basic.serdeConfig(url), false);
        byte[] frame = serializer.serialize(topic, batch);
        int id = java.nio.ByteBuffer.wrap(frame, 1, 4).getInt();

        // The schema is in the real registry, under the topic's subject.
        SchemaRegistryClient direct = new SchemaRegistryClient(platform.schemaRegistryUrl(), 10_000);
        assertEquals(SampleBatch.getClassSchema(), direct.schemaById(id));

        // A reader with a bearer token (a new deserializer: it fetches the schema by id through the proxy).
        ClientSecurity bearer = ClientSecurity.of(Map.of("bearer.auth.token", TOKEN));
        SpecificAvroDeserializer<SampleBatch> deserializer = new SpecificAvroDeserializer<>(SampleBatch.class);
        deserializer.configure(bearer.serdeConfig(url), false);
        assertEquals(batch, deserializer.deserialize(topic, frame));
        assertTrue(forwarded.get() >= 2, "register and fetch went through the proxy: " + forwarded.get());
    }

    private static String messages(Throwable t) {
        StringBuilder all = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            all.append(c.getMessage()).append(" / ");
        }
        return all.toString();
    }

    /** The proxy in front of {@code upstream}; returns its URL (same path as the registry's API). */
    private String startProxy(String upstream) throws IOException {
        URI base = URI.create(upstream);
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        proxy = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        proxy.createContext("/", exchange -> {
            try (exchange) {
                String authorization = exchange.getRequestHeaders().getFirst("Authorization");
                if (authorization == null || !ACCEPTED.contains(authorization)) {
                    exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"registry\", Bearer");
                    send(exchange, 401, "application/json", "{\"error_code\":401,\"message\":\"Unauthorized\"}"
                            .getBytes(StandardCharsets.UTF_8));
                    return;
                }
                forward(exchange, client, base);
            }
        });
        proxy.start();
        return "http://127.0.0.1:" + proxy.getAddress().getPort() + base.getRawPath();
    }

    private void forward(HttpExchange exchange, HttpClient client, URI base) throws IOException {
        URI target = URI.create(base.getScheme() + "://" + base.getRawAuthority() + exchange.getRequestURI().getRawPath()
                + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()));
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readAllBytes();
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(30))
                .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        for (String header : new String[] {"Content-Type", "Accept"}) {
            String value = exchange.getRequestHeaders().getFirst(header);
            if (value != null) {
                request.header(header, value);
            }
        }
        try {
            HttpResponse<byte[]> response = client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            forwarded.incrementAndGet();
            send(exchange, response.statusCode(), response.headers().firstValue("Content-Type").orElse("application/json"),
                    response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            send(exchange, 502, "text/plain", "interrupted".getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void send(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", contentType);
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
