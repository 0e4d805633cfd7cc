package io.tierscope.query.cli;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tierscope.cli.ClusterOptions;
import io.tierscope.cli.ShutdownSignal;
import io.tierscope.metrics.Metrics;
import io.tierscope.query.QueryService;
import io.tierscope.streams.StreamsRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.state.HostInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tierscope serve}: one query service instance (API, dashboard, metrics) until SIGTERM / Ctrl-C. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve the query API (/api/v1), the live dashboard (/) and Prometheus metrics (/metrics).",
                "Start more with the same --application-id: each holds some VMs and forwards requests to the owner."})
public final class ServeCommand implements Callable<Integer> {
    @Mixin
    private ClusterOptions cluster;

    @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "ADDRESS",
            description = "Address to listen on; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE}).")
    private String bind;

    @Option(names = "--port", defaultValue = "8090", description = "HTTP port (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = "--advertised-host", paramLabel = "HOST",
            description = "Host name the other instances reach this one by (application.server; default: the bind address, or this machine's name when binding 0.0.0.0).")
    private String advertisedHost;

    @Option(names = "--token-env", paramLabel = "VAR", defaultValue = "TIERSCOPE_QUERY_TOKEN",
            description = "Environment variable holding the bearer token /api and /metrics require; unset: no token (default: ${DEFAULT-VALUE}).")
    private String tokenEnv;

    @Option(names = "--application-id", defaultValue = QueryService.DEFAULT_APPLICATION_ID,
            description = "Kafka Streams application.id shared by all instances (default: ${DEFAULT-VALUE}).")
    private String applicationId;

    @Option(names = "--state-dir", defaultValue = "data/query", paramLabel = "DIR", description = "Local state directory (default: ${DEFAULT-VALUE}).")
    private Path stateDir;

    @Option(names = "--history-hours", defaultValue = "24", description = "Hours of MRC and heat history kept (default: ${DEFAULT-VALUE}).")
    private int historyHours;

    @Option(names = "--standby-replicas", defaultValue = "0", description = "Standby copies of each store on other instances (default: ${DEFAULT-VALUE}).")
    private int standbyReplicas;

    @Option(names = "--partitions", defaultValue = "6", description = "Partitions of topics this instance creates (default: ${DEFAULT-VALUE}).")
    private int partitions;

    @Option(names = "--lag-groups", split = ",", paramLabel = "GROUP[,GROUP...]",
            defaultValue = StreamsRunner.DEFAULT_APPLICATION_ID,
            description = "Consumer groups (application ids) of the pipeline whose lag the dashboard and /api/v1/lag show,"
                    + " e.g. the streams app's and the planner's (default: ${DEFAULT-VALUE}).")
    private List<String> lagGroups;

    @Option(names = "--replication-factor", defaultValue = "1", description = "Replication factor of topics this instance creates (default: ${DEFAULT-VALUE}).")
    private short replicationFactor;

    @Override
    public Integer call() throws Exception {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("--port must be 1..65535, got " + port);
        }
        if (historyHours < 1) {
            throw new IllegalArgumentException("--history-hours must be >= 1, got " + historyHours);
        }
        io.tierscope.cli.OptionRange.atLeast("--standby-replicas", standbyReplicas, 0);
        io.tierscope.cli.OptionRange.atLeast("--partitions", partitions, 1);
        io.tierscope.cli.OptionRange.atLeast("--replication-factor", replicationFactor, 1);
        if (lagGroups.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("--lag-groups must name groups separated by commas, got an empty one");
        }
        cluster.requireReachable();
        String advertised = advertisedHost != null ? advertisedHost
                : "0.0.0.0".equals(bind) ? java.net.InetAddress.getLocalHost().getHostName() : bind;
        QueryService.Settings settings = new QueryService.Settings(cluster.security(), cluster.bootstrapServers(), cluster.schemaRegistryUrl(),
                applicationId, stateDir, bind, port, new HostInfo(advertised, port), System.getenv(tokenEnv),
                Duration.ofHours(historyHours), partitions, replicationFactor,
                Map.of("num.standby.replicas", Integer.toString(standbyReplicas)));
        PrometheusMeterRegistry registry = Metrics.newRegistry("serve");
        try (ShutdownSignal signal = new ShutdownSignal(Duration.ofSeconds(40));
             QueryService service = QueryService.start(settings, registry, lagGroups)) {
            System.out.println("tierscope serve: dashboard http://" + advertised + ":" + service.port() + "/  API http://"
                    + advertised + ":" + service.port() + "/api/v1/vms  metrics /metrics");
            signal.await(null);
        }
        return 0;
    }
}
