package io.tierscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The client security file: what joins the Kafka clients, what goes to the registry, what is refused. */
class ClientSecurityTest {
    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required"
            + " username=\"collector\" password=\"s3cret\";";

    @TempDir
    Path dir;

    @Test
    void kafkaSecuritySettingsJoinEveryClientAndRegistryOnesStayOut() throws Exception {
        ClientSecurity security = ClientSecurity.load(write("""
                security.protocol = SASL_SSL
                sasl.mechanism = SCRAM-SHA-512
                sasl.jaas.config = %s
                ssl.truststore.location = /etc/tierscope/truststore.p12
                ssl.truststore.password = changeit
                basic.auth.credentials.source = USER_INFO
                basic.auth.user.info = collector:registry-secret
                """.formatted(JAAS)));
        Map<String, Object> client = security.kafkaClientProperties("broker-1:9093,broker-2:9093");
        assertEquals(Map.of("bootstrap.servers", "broker-1:9093,broker-2:9093", "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config", JAAS,
                "ssl.truststore.location", "/etc/tierscope/truststore.p12", "ssl.truststore.password", "changeit"), client);
        assertEquals("SASL_SSL", security.securityProtocol());

        Map<String, Object> serde = security.serdeConfig("https://registry:8081/apis/ccompat/v7");
        assertEquals(Map.of("schema.registry.url", "https://registry:8081/apis/ccompat/v7",
                "basic.auth.credentials.source", "USER_INFO", "basic.auth.user.info", "collector:registry-secret"), serde);
        assertEquals("Basic Y29sbGVjdG9yOnJlZ2lzdHJ5LXNlY3JldA==", security.registryAuth().authorizationHeader());
    }

    @Test
    void callersGetTheirOwnMutableCopy() {
        ClientSecurity security = ClientSecurity.of(Map.of("security.protocol", "SSL"));
        security.kafkaClientProperties("a:1").put("acks", "all");
        assertFalse(security.kafkaClientProperties("a:1").containsKey("acks"));
        assertEquals("SSL", security.kafkaClientProps("a:1").getProperty("security.protocol"));
    }

    @Test
    void noneIsPlaintextWithoutRegistryAuth() {
        assertEquals(Map.of("bootstrap.servers", "h:9092"), ClientSecurity.NONE.kafkaClientProperties("h:9092"));
        assertEquals("PLAINTEXT", ClientSecurity.NONE.securityProtocol());
        assertNull(ClientSecurity.NONE.registryAuth().authorizationHeader());
    }

    @Test
    void aKeyThatIsNotASecuritySettingIsRefusedByNameWithoutItsValue() throws Exception {
        Path file = write("security.protocol=SASL_SSL\nacks=all\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClientSecurity.load(file));
        assertTrue(e.getMessage().startsWith("client config " + file + ": 'acks' is not a client security setting"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void aMisspeltSaslKeyIsRefusedRatherThanIgnored() throws Exception {
        // librdkafka spells it sasl.mechanisms; the Java client would ignore it and try PLAIN/GSSAPI defaults.
        Path file = write("sasl.mechanisms=SCRAM-SHA-512\nsasl.jaas.config=" + JAAS.replace("\"", "\\\"") + "\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClientSecurity.load(file));
        assertTrue(e.getMessage().contains("'sasl.mechanisms'"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
    }

    @Test
    void bootstrapServersBelongOnTheCommandLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClientSecurity.of(Map.of("bootstrap.servers", "h:9092")));
        assertTrue(e.getMessage().contains("'bootstrap.servers'"), e.getMessage());
    }

    @Test
    void aMissingFileIsOneLine() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ClientSecurity.load(dir.resolve("absent.properties")));
        assertTrue(e.getMessage().startsWith("cannot read client config "), e.getMessage());
    }

    @Test
    void clusterOptionsReadTheFileGivenOnTheCommandLine() throws Exception {
        Path file = write("security.protocol=SSL\n");
        Holder holder = new Holder();
        new CommandLine(holder).parseArgs("--bootstrap-servers", "h:9093", "--client-config", file.toString());
        assertEquals(file, holder.cluster.clientConfigFile());
        assertEquals(Map.of("bootstrap.servers", "h:9093", "security.protocol", "SSL"),
                holder.cluster.security().kafkaClientProperties(holder.cluster.bootstrapServers()));
    }

    @Test
    void clusterOptionsWithoutAFileArePlaintext() {
        Holder holder = new Holder();
        new CommandLine(holder).parseArgs("--bootstrap-servers", "h:9092");
        if (System.getenv(ClusterOptions.CLIENT_CONFIG_ENV) == null) {
            assertNull(holder.cluster.clientConfigFile());
            assertEquals("PLAINTEXT", holder.cluster.security().securityProtocol());
        }
    }

    @CommandLine.Command(name = "holder")
    static final class Holder {
        @CommandLine.Mixin
        ClusterOptions cluster;
    }

    private Path write(String content) throws Exception {
        Path file = Files.createTempFile(dir, "client", ".properties");
        Files.writeString(file, content);
        return file;
    }
}
