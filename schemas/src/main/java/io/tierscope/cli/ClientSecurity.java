package io.tierscope.cli;

import io.tierscope.schemas.serde.RegistryAuth;
import io.tierscope.schemas.serde.SchemaRegistryClient;
import io.tierscope.schemas.serde.SerdeConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;

/**
 * The security settings of a secured cluster, read from one properties file ({@code --client-config},
 * {@code $KAFKA_CLIENT_CONFIG}), and the one place where they join the settings of every Kafka client
 * (Admin, producer, consumer, Kafka Streams) and registry client Tierscope builds.
 *
 * <p>The file holds only security settings: the Kafka client keys {@code security.protocol},
 * {@code sasl.*} and {@code ssl.*} (as Kafka's clients define them) and the registry keys of
 * {@link SerdeConfig#REGISTRY_AUTH_KEYS}. Any other key is refused: a misspelt security key that a
 * client ignored would connect without the intended protection, and other client tuning belongs in
 * each command's own options.
 */
public final class ClientSecurity {
    public static final ClientSecurity NONE = new ClientSecurity(Map.of(), Map.of());

    /** security.protocol and every sasl.* and ssl.* key Kafka's clients define. */
    private static final ConfigDef KAFKA_SECURITY_KEYS = kafkaSecurityKeys();

    private static ConfigDef kafkaSecurityKeys() {
        ConfigDef def = new ConfigDef().define(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, ConfigDef.Type.STRING,
                CommonClientConfigs.DEFAULT_SECURITY_PROTOCOL, ConfigDef.Importance.HIGH, CommonClientConfigs.SECURITY_PROTOCOL_DOC);
        SslConfigs.addClientSslSupport(def);
        SaslConfigs.addClientSaslSupport(def);
        return def;
    }

    private final Map<String, String> kafka;
    private final Map<String, String> registry;
    private final RegistryAuth registryAuth;

    private ClientSecurity(Map<String, String> kafka, Map<String, String> registry) {
        this.kafka = Map.copyOf(kafka);
        this.registry = Map.copyOf(registry);
        this.registryAuth = RegistryAuth.fromConfig(registry);
    }

    /**
     * Reads a client security file.
     *
     * @throws IllegalArgumentException (one line) if it cannot be read or holds a key that is not a security setting
     */
    public static ClientSecurity load(Path file) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read client config " + file + ": " + e.getMessage());
        }
        Map<String, String> settings = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> settings.put(k, p.getProperty(k).trim()));
        try {
            return of(settings);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("client config " + file + ": " + e.getMessage());
        }
    }

    /** The file named by {@code $KAFKA_CLIENT_CONFIG}, or none, for commands that take no {@link ClusterOptions}. */
    public static ClientSecurity fromEnvironment() {
        String file = System.getenv(ClusterOptions.CLIENT_CONFIG_ENV);
        return file == null || file.isBlank() ? NONE : load(Path.of(file.trim()));
    }

    /** @throws IllegalArgumentException naming the first key that is not a security setting (never a value) */
    public static ClientSecurity of(Map<String, String> settings) {
        Map<String, String> kafka = new HashMap<>();
        Map<String, String> registry = new HashMap<>();
        for (Map.Entry<String, String> e : new TreeMap<>(settings).entrySet()) {
            String key = e.getKey();
            if (SerdeConfig.REGISTRY_AUTH_KEYS.contains(key)) {
                registry.put(key, e.getValue());
            } else if (KAFKA_SECURITY_KEYS.names().contains(key)) {
                kafka.put(key, e.getValue());
            } else {
                throw new IllegalArgumentException("'" + key + "' is not a client security setting; the file takes"
                        + " security.protocol, Kafka's client sasl.* and ssl.* keys, basic.auth.user.info,"
                        + " basic.auth.credentials.source, bearer.auth.token, bearer.auth.credentials.source and"
                        + " schema.registry.ssl.truststore.location/password/type");
            }
        }
        return new ClientSecurity(kafka, registry);
    }

    /**
     * Settings of a Kafka client (Admin, producer, consumer, Kafka Streams) of the cluster at
     * {@code bootstrapServers}: the bootstrap servers and the security settings. Every client Tierscope
     * creates starts from this map (mutable: callers add their own settings).
     */
    public Map<String, Object> kafkaClientProperties(String bootstrapServers) {
        Map<String, Object> p = new HashMap<>(kafka);
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return p;
    }

    /** {@link #kafkaClientProperties} as {@link Properties}, for the APIs that take them. */
    public Properties kafkaClientProps(String bootstrapServers) {
        Properties p = new Properties();
        p.putAll(kafkaClientProperties(bootstrapServers));
        return p;
    }

    /** Serde settings for the registry at {@code registryUrl}: its URL and how to authenticate to it (mutable). */
    public Map<String, Object> serdeConfig(String registryUrl) {
        Map<String, Object> p = new HashMap<>(registry);
        p.put(SerdeConfig.SCHEMA_REGISTRY_URL, registryUrl);
        return p;
    }

    /** How registry clients authenticate and which certificates they trust. */
    public RegistryAuth registryAuth() {
        return registryAuth;
    }

    /** A registry client for {@code registryUrl} with these credentials. */
    public SchemaRegistryClient registryClient(String registryUrl, long requestTimeoutMs) {
        return new SchemaRegistryClient(registryUrl, requestTimeoutMs, registryAuth);
    }

    /** The security protocol the Kafka clients use (PLAINTEXT when the file does not say). */
    public String securityProtocol() {
        return kafka.getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, CommonClientConfigs.DEFAULT_SECURITY_PROTOCOL);
    }
}
