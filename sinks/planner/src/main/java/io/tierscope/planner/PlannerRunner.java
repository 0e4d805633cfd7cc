package io.tierscope.planner;

import io.tierscope.planner.topology.PlannerTopology;
import io.tierscope.streams.TopologySerdes;
import io.tierscope.topics.TopicProvisioner;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import io.tierscope.cli.ClientSecurity;
import io.tierscope.streams.StreamsRunner;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the planner topology in this JVM, with the settings of {@code StreamsRunner.streamsProperties}
 * (exactly-once v2 among them): provisions topics, starts Kafka Streams, stops it cleanly.
 */
public final class PlannerRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PlannerRunner.class);
    public static final String DEFAULT_APPLICATION_ID = "tierscope-planner";

    private final KafkaStreams streams;

    private PlannerRunner(KafkaStreams streams) {
        this.streams = streams;
    }

    /** Creates missing topics, starts the planner and returns once it is RUNNING. */
    public static PlannerRunner start(Properties streamsProps, PlannerConfig config, String schemaRegistryUrl,
                                      int partitions, short replication, Duration startTimeout) throws InterruptedException {
        return start(streamsProps, config, ClientSecurity.NONE, schemaRegistryUrl, partitions, replication, startTimeout);
    }

    /** {@link #start(Properties, PlannerConfig, String, int, short, Duration)} with the registry credentials of {@code security}. */
    public static PlannerRunner start(Properties streamsProps, PlannerConfig config, ClientSecurity security,
                                      String schemaRegistryUrl, int partitions, short replication, Duration startTimeout)
            throws InterruptedException {
        try (Admin admin = Admin.create(StreamsRunner.provisioningAdminProperties(streamsProps))) {
            new TopicProvisioner(admin, partitions, replication).ensureAll();
        }
        TopologySerdes serdes = new TopologySerdes(security.registryClient(schemaRegistryUrl, TopologySerdes.REGISTRY_REQUEST_TIMEOUT_MS));
        KafkaStreams streams = new KafkaStreams(PlannerTopology.build(config, serdes), streamsProps);
        CountDownLatch running = new CountDownLatch(1);
        streams.setStateListener((now, before) -> {
            LOG.info("planner {} -> {}", before, now);
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
        });
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("planner thread failed; replacing it (state is restored from the changelogs)", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.start();
        if (!running.await(startTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
            streams.close(Duration.ofSeconds(10));
            throw new IllegalStateException("the planner did not reach RUNNING within " + startTimeout.toSeconds()
                    + " s; check that the brokers at " + streamsProps.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG) + " are reachable");
        }
        return new PlannerRunner(streams);
    }

    public KafkaStreams streams() {
        return streams;
    }

    /** Stops and leaves the group, so the partitions (hosts) move to the other instances at once. */
    @Override
    public void close() {
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
    }
}
