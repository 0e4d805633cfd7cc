package io.tierscope.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.tierscope.avro.SampleBatch;
import io.tierscope.cli.ClientSecurity;
import io.tierscope.platform.tls.SelfSignedTls;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry client sends the configured credentials with every call, and trusts a registry
 * certificate from its own trust store: checked against a small local HTTP(S) server that answers
 * like a registry only when the Authorization header is the expected one.
 */
class RegistryAuthTest {
    private static final String SCHEMA_JSON = "{\"schema\":" + quote(SampleBatch.getClassSchema().toString()) + "}";

    @TempDir
    Path dir;

    private final List<String> authorizationHeaders = new CopyOnWriteArrayList<>();
    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void basicAuthIsSentAsConfluentClientsSendIt() throws Exception {
        String url = start(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0), "Basic cmVnaXN0cnk6cGFzcw==");
        SchemaRegistryClient client = new SchemaRegistryClient(url, 5000, RegistryAuth.fromConfig(Map.of(
                SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO", SerdeConfig.BASIC_AUTH_USER_INFO, "registry:pass")));
        assertEquals(SampleBatch.getClassSchema(), client.schemaById(7));
        assertEquals(7, client.register("t-value", SampleBatch.getClassSchema()));
        assertEquals(List.of("Basic cmVnaXN0cnk6cGFzcw==", "Basic cmVnaXN0cnk6cGFzcw=="), authorizationHeaders);
    }

    @Test
    void bearerTokenIsSent() throws Exception {
        String url = start(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0), "Bearer eyJ.token");
        SchemaRegistryClient client = new SchemaRegistryClient(url, 5000,
                RegistryAuth.fromConfig(Map.of(SerdeConfig.BEARER_AUTH_TOKEN, "eyJ.token")));
        assertEquals(SampleBatch.getClassSchema(), client.schemaById(7));
        assertEquals(List.of("Bearer eyJ.token"), authorizationHeaders);
    }

    @Test
    void serdesConfiguredFromTheSecurityFileAuthenticate() throws Exception {
        String url = start(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0), "Basic cmVnaXN0cnk6cGFzcw==");
        ClientSecurity security = ClientSecurity.of(Map.of("basic.auth.user.info", "registry:pass"));
        SpecificAvroSerializer<SampleBatch> serializer = new SpecificAvroSerializer<>();
        serializer.configure(security.serdeConfig(url), false);
        byte[] frame = serializer.serialize("t", SpecificAvroDeserializerTest.batch());
        assertEquals(7, java.nio.ByteBuffer.wrap(frame, 1, 4).getInt());
        assertEquals(List.of("Basic cmVnaXN0cnk6cGFzcw=="), authorizationHeaders);
    }

    @Test
    void wrongOrMissingCredentialsAreReportedAsSuch() throws Exception {
        String url = start(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0), "Bearer right");
        SchemaRegistryException e = assertThrows(SchemaRegistryException.class,
                () -> new SchemaRegistryClient(url, 5000).schemaById(7));
        assertEquals(401, e.httpStatus());
        assertTrue(e.getMessage().contains("not authorized with none"), e.getMessage());
        SchemaRegistryException wrong = assertThrows(SchemaRegistryException.class, () -> new SchemaRegistryClient(url, 5000,
                RegistryAuth.fromConfig(Map.of(SerdeConfig.BEARER_AUTH_TOKEN, "wrong"))).schemaById(7));
        assertTrue(wrong.getMessage().contains("not authorized with bearer token"), wrong.getMessage());
        assertFalse(wrong.getMessage().contains("wrong;"), "the token itself is never shown: " + wrong.getMessage());
    }

    @Test
    void anHttpsRegistryIsTrustedThroughTheConfiguredTrustStoreOnly() throws Exception {
        SelfSignedTls tls = SelfSignedTls.inDirectory(dir.resolve("tls"), "changeit");
        HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(serverContext(tls)));
        String url = start(https, "Basic cmVnaXN0cnk6cGFzcw==").replace("http://", "https://");

        SchemaRegistryException untrusted = assertThrows(SchemaRegistryException.class, () -> new SchemaRegistryClient(url, 5000,
                RegistryAuth.fromConfig(Map.of(SerdeConfig.BASIC_AUTH_USER_INFO, "registry:pass"))).schemaById(7));
        assertTrue(untrusted.getMessage().contains("unreachable"), untrusted.getMessage());

        SchemaRegistryClient trusting = new SchemaRegistryClient(url, 5000, RegistryAuth.fromConfig(Map.of(
                SerdeConfig.BASIC_AUTH_USER_INFO, "registry:pass",
                SerdeConfig.SSL_TRUSTSTORE_LOCATION, tls.trustStore().toString(),
                SerdeConfig.SSL_TRUSTSTORE_PASSWORD, "changeit",
                SerdeConfig.SSL_TRUSTSTORE_TYPE, "PKCS12")));
        assertEquals(SampleBatch.getClassSchema(), trusting.schemaById(7));
    }

    @Test
    void contradictoryOrUnsupportedSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> RegistryAuth.fromConfig(Map.of(
                SerdeConfig.BASIC_AUTH_USER_INFO, "a:b", SerdeConfig.BEARER_AUTH_TOKEN, "t")));
        IllegalArgumentException url = assertThrows(IllegalArgumentException.class, () -> RegistryAuth.fromConfig(Map.of(
                SerdeConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "SASL_INHERIT")));
        assertTrue(url.getMessage().contains("use USER_INFO"), url.getMessage());
        IllegalArgumentException noColon = assertThrows(IllegalArgumentException.class, () -> RegistryAuth.fromConfig(Map.of(
                SerdeConfig.BASIC_AUTH_USER_INFO, "secretwithoutcolon")));
        assertFalse(noColon.getMessage().contains("secretwithoutcolon"), noColon.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RegistryAuth.fromConfig(Map.of(
                SerdeConfig.SSL_TRUSTSTORE_LOCATION, dir.resolve("absent.p12").toString())));
    }

    /** Serves schema id 7 and registers every schema as id 7, to callers with {@code expected} credentials only. */
    private String start(HttpServer http, String expected) {
        server = http;
        http.createContext("/", exchange -> {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization != null) {
                authorizationHeaders.add(authorization);
            }
            if (!expected.equals(authorization)) {
                reply(exchange, 401, "{\"error_code\":401,\"message\":\"Unauthorized\"}");
            } else if (exchange.getRequestURI().getPath().endsWith("/schemas/ids/7")) {
                reply(exchange, 200, SCHEMA_JSON);
            } else if (exchange.getRequestMethod().equals("POST")) {
                reply(exchange, 200, "{\"id\":7}");
            } else {
                reply(exchange, 404, "{\"error_code\":40403,\"message\":\"Schema not found\"}");
            }
        });
        http.start();
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/apis/ccompat/v7";
    }

    private static void reply(HttpExchange exchange, int status, String body) throws IOException {
        try (InputStream ignored = exchange.getRequestBody()) {
            ignored.readAllBytes();
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static SSLContext serverContext(SelfSignedTls tls) throws Exception {
        KeyStore keys = KeyStore.getInstance(SelfSignedTls.STORE_TYPE);
        try (InputStream in = Files.newInputStream(tls.keyStore())) {
            keys.load(in, tls.password().toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, tls.password().toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
