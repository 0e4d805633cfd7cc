package io.tierscope.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Where the Kafka cluster and the schema registry are: the options every networked command shares. */
public final class ClusterOptions {
    public static final String BOOTSTRAP_ENV = "KAFKA_BOOTSTRAP_SERVERS";
    public static final String REGISTRY_ENV = "SCHEMA_REGISTRY_URL";
    public static final String CLIENT_CONFIG_ENV = "KAFKA_CLIENT_CONFIG";

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            defaultValue = "${env:" + BOOTSTRAP_ENV + "}",
            description = "Kafka bootstrap servers (default: $" + BOOTSTRAP_ENV + ").")
    private String bootstrapServers;

    @Option(names = "--schema-registry", paramLabel = "URL",
            defaultValue = "${env:" + REGISTRY_ENV + "}",
            description = "Confluent-compatible schema registry API URL, e.g. http://host:8080/apis/ccompat/v7 "
                    + "(default: $" + REGISTRY_ENV + ").")
    private String schemaRegistryUrl;

    @Option(names = "--client-config", paramLabel = "FILE",
            defaultValue = "${env:" + CLIENT_CONFIG_ENV + "}",
            description = "Properties file with the security settings of a secured cluster and registry: "
                    + "security.protocol, sasl.*, ssl.*, basic.auth.user.info, bearer.auth.token, "
                    + "schema.registry.ssl.truststore.* (default: $" + CLIENT_CONFIG_ENV + "; none: PLAINTEXT, no registry auth).")
    private Path clientConfig;

    private ClientSecurity security;

    /**
     * Whether a cluster is named (by option or environment), for commands that start an embedded one otherwise.
     *
     * @throws IllegalArgumentException when only one of the bootstrap servers and the registry is named
     */
    public boolean named() {
        boolean broker = bootstrapServers != null && !bootstrapServers.isBlank();
        boolean registry = schemaRegistryUrl != null && !schemaRegistryUrl.isBlank();
        if (broker != registry) {
            throw new IllegalArgumentException(broker ? "--bootstrap-servers is given but no schema registry: pass"
                    + " --schema-registry too (or $" + REGISTRY_ENV + "), or neither for the embedded platform"
                    : "--schema-registry is given but no Kafka cluster: pass --bootstrap-servers too (or $" + BOOTSTRAP_ENV
                    + "), or neither for the embedded platform");
        }
        return broker;
    }

    /** @throws IllegalArgumentException naming the missing option and environment variable */
    public String bootstrapServers() {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("no Kafka cluster given: pass --bootstrap-servers or set " + BOOTSTRAP_ENV);
        }
        return bootstrapServers.trim();
    }

    /** @throws IllegalArgumentException naming the missing option and environment variable */
    public String schemaRegistryUrl() {
        if (schemaRegistryUrl == null || schemaRegistryUrl.isBlank()) {
            throw new IllegalArgumentException("no schema registry given: pass --schema-registry or set " + REGISTRY_ENV);
        }
        return schemaRegistryUrl.trim();
    }

    /** The --client-config file (or $KAFKA_CLIENT_CONFIG), or null when none is given. */
    public Path clientConfigFile() {
        return clientConfig == null || clientConfig.toString().isBlank() ? null : clientConfig;
    }

    /**
     * The security settings every Kafka and registry client of the command is built with.
     *
     * @throws IllegalArgumentException (one line) if the file cannot be read or holds a non-security key
     */
    public ClientSecurity security() {
        if (security == null) {
            security = clientConfigFile() == null ? ClientSecurity.NONE : ClientSecurity.load(clientConfigFile());
        }
        return security;
    }

    /**
     * Checks, within seconds, that the broker and the registry are there ({@link ClusterCheck});
     * call it after the command's own arguments are validated and before anything is started.
     *
     * @throws ClusterCheck.UnreachableException naming the address and the setting to fix
     */
    public void requireReachable() {
        ClusterCheck.broker(bootstrapServers(), security().kafkaClientProperties(bootstrapServers()), ClusterCheck.DEFAULT_TIMEOUT);
        ClusterCheck.registry(schemaRegistryUrl(), ClusterCheck.DEFAULT_TIMEOUT);
    }
}
