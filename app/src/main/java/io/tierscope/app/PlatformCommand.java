package io.tierscope.app;

import io.tierscope.app.security.SecuredPlatformUsers;
import io.tierscope.executor.cli.ExecuteCommand;
import io.tierscope.cli.ClientSecurity;
import io.tierscope.platform.kafka.BrokerSecurity;
import java.util.Map;
import io.tierscope.cli.ShutdownSignal;
import io.tierscope.platform.EmbeddedPlatform;
import io.tierscope.platform.PlatformConfig;
import io.tierscope.topics.TopicProvisioner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tierscope platform}: the embedded broker and registry on their own, until Ctrl-C, so
 * that {@code collect}, {@code streams} and the demo can run as separate processes against them.
 */
@Command(name = "platform", mixinStandardHelpOptions = true,
        description = {"Run the embedded Kafka broker and schema registry until Ctrl-C.",
                "Creates the Tierscope topics and prints the environment that points the other commands at them."})
public final class PlatformCommand implements Callable<Integer> {
    @Option(names = "--data-dir", defaultValue = "data/platform", paramLabel = "DIR",
            description = "Broker log dirs and registry database (default: ${DEFAULT-VALUE}); reused across runs.")
    private Path dataDir;

    @Option(names = "--kafka-port", defaultValue = "9092", description = "Broker port (default: ${DEFAULT-VALUE}; 0 = a free one).")
    private int kafkaPort;

    @Option(names = "--registry-port", defaultValue = "8081", description = "Registry port (default: ${DEFAULT-VALUE}; 0 = a free one).")
    private int registryPort;

    @Option(names = "--partitions", defaultValue = "6", description = "Partitions of the topics it creates (default: ${DEFAULT-VALUE}).")
    private int partitions;

    @Option(names = "--secured", description = "Secured broker: SASL_SSL with SCRAM-SHA-512 and ACLs; creates the users "
            + "collector, streams, planner, query (the commands' default application ids), executor (this host) and reader"
            + " with least-privilege ACLs and writes their "
            + "--client-config files under <data-dir>/clients. Needs a data dir that was never started open.")
    private boolean secured;

    @Override
    public Integer call() throws Exception {
        io.tierscope.cli.OptionRange.between("--kafka-port", kafkaPort, 0, 65535);
        io.tierscope.cli.OptionRange.between("--registry-port", registryPort, 0, 65535);
        io.tierscope.cli.OptionRange.atLeast("--partitions", partitions, 1);
        PlatformConfig config = PlatformConfig.builder().dataDir(dataDir).kafkaPort(kafkaPort).registryPort(registryPort)
                .secured(secured).build();
        try (ShutdownSignal signal = new ShutdownSignal(Duration.ofSeconds(60));
             EmbeddedPlatform platform = EmbeddedPlatform.start(config)) {
            Map<String, Path> clients = secured ? SecuredPlatformUsers.create(platform.brokerSecurity(),
                    platform.bootstrapServers(), SecuredPlatformUsers.Scopes.defaults(ExecuteCommand.localHostName()),
                    dataDir.resolve("clients")) : Map.of();
            ClientSecurity admin = secured ? ClientSecurity.load(clients.get(BrokerSecurity.ADMIN)) : ClientSecurity.NONE;
            try (Admin a = Admin.create(admin.kafkaClientProperties(platform.bootstrapServers()))) {
                new TopicProvisioner(a, partitions, (short) 1).ensureAll();
            }
            System.out.println("tierscope platform: up (data in " + dataDir.toAbsolutePath() + "); in another shell:");
            System.out.println("  export KAFKA_BOOTSTRAP_SERVERS=" + platform.bootstrapServers());
            System.out.println("  export SCHEMA_REGISTRY_URL=" + platform.schemaRegistryUrl());
            if (secured) {
                System.out.println("  export KAFKA_CLIENT_CONFIG=" + clients.get(BrokerSecurity.ADMIN).toAbsolutePath()
                        + "   # the super user; per component: " + clients.entrySet().stream()
                        .filter(e -> !e.getKey().equals(BrokerSecurity.ADMIN))
                        .map(e -> e.getKey() + "=" + e.getValue().toAbsolutePath()).toList());
            }
            System.out.println("Ctrl-C stops it.");
            signal.await(null);
            System.out.println("tierscope platform: stopping ...");
        }
        return 0;
    }
}
