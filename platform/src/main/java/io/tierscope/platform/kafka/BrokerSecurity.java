package io.tierscope.platform.kafka;

import io.tierscope.platform.tls.SelfSignedTls;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * What makes the embedded broker a secured cluster: clients connect over SASL_SSL with
 * SCRAM-SHA-512, the TLS certificate is self-signed for 127.0.0.1 (made with keytool at first
 * start), and the StandardAuthorizer denies what no ACL allows. The super user {@value #ADMIN}
 * (created at format time) is what the broker itself and the platform use to create users and ACLs.
 * Secrets are random, made once per data dir, kept in {@code <data>/secured/} (owner-only).
 */
public record BrokerSecurity(Path dir, SelfSignedTls tls, String adminPassword) {
    public static final String ADMIN = "admin";
    public static final String MECHANISM = "SCRAM-SHA-512";
    public static final String LISTENER = "SASL_SSL";
    private static final String SECRETS_FILE = "secrets.properties";

    /** The data dir's security material, made on first use. */
    public static BrokerSecurity prepare(Path dataDir) throws IOException, InterruptedException {
        Path dir = dataDir.resolve("secured");
        Files.createDirectories(dir);
        Path secretsFile = dir.resolve(SECRETS_FILE);
        Properties secrets = new Properties();
        if (Files.exists(secretsFile)) {
            try (InputStream in = Files.newInputStream(secretsFile)) {
                secrets.load(in);
            }
        } else {
            secrets.setProperty("tls.password", randomSecret());
            secrets.setProperty("admin.password", randomSecret());
            try (OutputStream out = Files.newOutputStream(secretsFile)) {
                secrets.store(out, "embedded secured broker: TLS store and admin passwords");
            }
            ownerOnly(secretsFile);
        }
        SelfSignedTls tls = SelfSignedTls.inDirectory(dir.resolve("tls"), secrets.getProperty("tls.password"));
        return new BrokerSecurity(dir, tls, secrets.getProperty("admin.password"));
    }

    /** Turns the single-node properties into a secured node's: SASL_SSL for clients and between brokers, ACLs on. */
    public void applyTo(Properties p, int kafkaPort, int controllerPort) {
        p.setProperty("listeners", LISTENER + "://127.0.0.1:" + kafkaPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
        p.setProperty("advertised.listeners", LISTENER + "://127.0.0.1:" + kafkaPort);
        p.setProperty("listener.security.protocol.map", LISTENER + ":SASL_SSL,CONTROLLER:PLAINTEXT");
        p.setProperty("inter.broker.listener.name", LISTENER);
        p.setProperty("sasl.enabled.mechanisms", MECHANISM);
        p.setProperty("sasl.mechanism.inter.broker.protocol", MECHANISM);
        p.setProperty("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", jaas(ADMIN, adminPassword));
        p.setProperty("ssl.keystore.location", tls.keyStore().toString());
        p.setProperty("ssl.keystore.type", SelfSignedTls.STORE_TYPE);
        p.setProperty("ssl.keystore.password", tls.password());
        p.setProperty("ssl.key.password", tls.password());
        p.setProperty("ssl.truststore.location", tls.trustStore().toString());
        p.setProperty("ssl.truststore.type", SelfSignedTls.STORE_TYPE);
        p.setProperty("ssl.truststore.password", tls.password());
        p.setProperty("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        // The controller listener (loopback, PLAINTEXT) carries the node's own broker-to-controller
        // traffic, whose principal is ANONYMOUS; it needs cluster actions.
        p.setProperty("super.users", "User:" + ADMIN + ";User:ANONYMOUS");
        p.setProperty("allow.everyone.if.no.acl.found", "false");
    }

    /** The StorageTool argument that creates the admin's SCRAM credential when the log dir is formatted. */
    public String scramFormatArgument() {
        return MECHANISM + "=[name=" + ADMIN + ",password=" + adminPassword + "]";
    }

    /** Client security settings of {@code user}: what goes in a --client-config file (without bootstrap servers). */
    public Map<String, String> clientSettings(String user, String password) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("security.protocol", "SASL_SSL");
        p.put("sasl.mechanism", MECHANISM);
        p.put("sasl.jaas.config", jaas(user, password));
        p.put("ssl.truststore.location", tls.trustStore().toString());
        p.put("ssl.truststore.type", SelfSignedTls.STORE_TYPE);
        p.put("ssl.truststore.password", tls.password());
        return p;
    }

    /** Writes {@link #clientSettings} of {@code user} as a properties file readable by its owner only. */
    public Path writeClientConfig(Path file, String user, String password) throws IOException {
        Properties p = new Properties();
        p.putAll(clientSettings(user, password));
        try (OutputStream out = Files.newOutputStream(file)) {
            p.store(out, "client settings of " + user + " on the embedded secured broker");
        }
        ownerOnly(file);
        return file;
    }

    static String jaas(String user, String password) {
        return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    /** A random secret with no character that needs quoting in JAAS or StorageTool arguments. */
    public static String randomSecret() {
        byte[] bytes = new byte[16];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static void ownerOnly(Path file) {
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException | IOException e) {
            // A secrets file others can read must not go unnoticed.
            System.err.println("tierscope: cannot make " + file + " readable by its owner only (" + e.getMessage()
                    + "): protect it by hand");
        }
    }
}
