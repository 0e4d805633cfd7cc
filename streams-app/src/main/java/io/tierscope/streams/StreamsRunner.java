package io.tierscope.streams;

import io.tierscope.streams.errors.DeadLetterProcessingExceptionHandler;
import io.tierscope.streams.errors.DeadLetterProductionExceptionHandler;
import io.tierscope.streams.health.HealthServer;
import io.tierscope.streams.health.HealthSettings;
import io.tierscope.streams.registry.RegistryHealth;
import io.tierscope.topics.TopicProvisioner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import io.tierscope.cli.ClientSecurity;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the Tierscope topology in this JVM: provisions topics, starts Kafka Streams, stops it cleanly. */
public final class StreamsRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamsRunner.class);
    public static final String DEFAULT_APPLICATION_ID = "tierscope-streams";

    private final KafkaStreams streams;
    private final RegistryHealth registryHealth;
    private final HealthServer healthServer; // null: no health endpoint

    private StreamsRunner(KafkaStreams streams, RegistryHealth registryHealth, HealthServer healthServer) {
        this.streams = streams;
        this.registryHealth = registryHealth;
        this.healthServer = healthServer;
    }

    /** Largest state-store record (a VM's MRC snapshot) the changelogs take; below the producer's 32 MiB buffer. */
    public static final int MAX_STATE_RECORD_BYTES = 16 << 20;

    /**
     * Kafka Streams settings Tierscope runs with: exactly-once v2 (a restart after a crash gives
     * the outputs of an uninterrupted run), state under {@code stateDir}; {@code overrides} win.
     */
    public static Properties streamsProperties(String bootstrapServers, String applicationId, Path stateDir,
                                               Map<String, String> overrides) {
        return streamsProperties(ClientSecurity.NONE, bootstrapServers, applicationId, stateDir, overrides);
    }

    /** {@link #streamsProperties(String, String, Path, Map)} on a secured cluster: {@code security} joins every client. */
    public static Properties streamsProperties(ClientSecurity security, String bootstrapServers, String applicationId,
                                               Path stateDir, Map<String, String> overrides) {
        Properties p = security.kafkaClientProps(bootstrapServers);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "1000");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, "0");
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // A VM's MRC state is one store record, and an exact engine's snapshot grows with the VM's distinct pages
        // (an audited VM's up to its page budget: ~6-10 MB at 1M pages), past the 1 MiB a producer request and a
        // topic take by default. Refused, such a changelog write would abort every transaction of its task.
        p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), Integer.toString(MAX_STATE_RECORD_BYTES));
        p.put(StreamsConfig.topicPrefix(TopicConfig.MAX_MESSAGE_BYTES_CONFIG), Integer.toString(MAX_STATE_RECORD_BYTES));
        // Heat chunks are rewritten to their changelog on every scan (40 KiB per 32,768 pages, mostly settled
        // states): lz4 makes them 16x smaller on the broker for no stream-thread CPU the bench could see (docs/performance.md).
        p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        // A record that makes a processor throw, or whose output the broker refuses, is dead-lettered
        // instead of killing the stream thread (which would restore, re-read it and die again).
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingExceptionHandler.class.getName());
        p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProductionExceptionHandler.class.getName());
        p.putAll(overrides);
        return p;
    }

    /**
     * Settings of an Admin that creates the topics of a Kafka Streams app: the app's own client settings
     * (bootstrap servers, security, {@code admin.}-prefixed overrides), as Kafka Streams gives its own Admin.
     */
    public static Map<String, Object> provisioningAdminProperties(Properties streamsProps) {
        return new StreamsConfig(streamsProps).getAdminConfigs(streamsProps.getProperty(StreamsConfig.APPLICATION_ID_CONFIG) + "-provisioner");
    }

    /**
     * Creates missing topics, builds the topology and starts it; returns once the instance is RUNNING
     * (or waiting for an unreachable schema registry: see {@link #registryHealth()}).
     *
     * @param partitions  partitions for topics this call creates
     * @param replication replication factor for topics this call creates
     */
    public static StreamsRunner start(Properties streamsProps, StreamsAppConfig appConfig, String schemaRegistryUrl,
                                      int partitions, short replication, Duration startTimeout) throws InterruptedException {
        return start(streamsProps, appConfig, ClientSecurity.NONE, schemaRegistryUrl, partitions, replication, startTimeout, null);
    }

    /** {@link #start(Properties, StreamsAppConfig, String, int, short, Duration)} with the registry credentials of {@code security}. */
    public static StreamsRunner start(Properties streamsProps, StreamsAppConfig appConfig, ClientSecurity security,
                                      String schemaRegistryUrl, int partitions, short replication, Duration startTimeout)
            throws InterruptedException {
        return start(streamsProps, appConfig, security, schemaRegistryUrl, partitions, replication, startTimeout, null);
    }

    /**
     * As {@link #start(Properties, StreamsAppConfig, String, int, short, Duration)}, with the registry credentials of
     * {@code security}, serving {@code /health} and {@code /ready} from before the start on (so that probes see 503
     * while it restores) unless {@code health} is null.
     */
    public static StreamsRunner start(Properties streamsProps, StreamsAppConfig appConfig, ClientSecurity security,
                                      String schemaRegistryUrl, int partitions, short replication, Duration startTimeout,
                                      HealthSettings health) throws InterruptedException {
        try (Admin admin = Admin.create(provisioningAdminProperties(streamsProps))) {
            new TopicProvisioner(admin, partitions, replication).ensureAll();
        }
        TopologySerdes serdes = new TopologySerdes(security.registryClient(schemaRegistryUrl, TopologySerdes.REGISTRY_REQUEST_TIMEOUT_MS));
        KafkaStreams streams = new KafkaStreams(TierscopeTopology.build(appConfig, serdes), streamsProps);
        CountDownLatch running = new CountDownLatch(1);
        streams.setStateListener((now, before) -> {
            LOG.info("Kafka Streams {} -> {}", before, now);
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
        });
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("stream thread failed; replacing it (state is restored from the changelogs)", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        HealthServer healthServer = null;
        if (health != null) {
            try {
                healthServer = HealthServer.start(health.host(), health.port(), streams, serdes.registryWait().health(),
                        health.maxStoreLag());
            } catch (RuntimeException e) { // e.g. the port is taken: release the instance's clients before failing
                streams.close(Duration.ofSeconds(10));
                throw e;
            }
        }
        streams.start();
        RegistryHealth registryHealth = serdes.registryWait().health();
        if (!runningOrWaitingForRegistry(running, registryHealth, startTimeout)) {
            registryHealth.stopWaiting();
            streams.close(Duration.ofSeconds(10));
            if (healthServer != null) {
                healthServer.close();
            }
            throw new IllegalStateException("Kafka Streams did not reach RUNNING within " + startTimeout.toSeconds()
                    + " s (state " + streams.state() + "); check that the brokers at "
                    + streamsProps.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG) + " are reachable");
        }
        if (!registryHealth.up()) {
            LOG.warn("Kafka Streams started but is not ready: {}", registryHealth.describe(System.currentTimeMillis()));
        }
        return new StreamsRunner(streams, registryHealth, healthServer);
    }

    /**
     * Waits until the instance is RUNNING, or until a stream thread is waiting for the schema registry:
     * a task that reads its restored stores needs the registry before it can run, and the app must
     * stay up (and wait) through a registry outage rather than fail its start.
     */
    private static boolean runningOrWaitingForRegistry(CountDownLatch running, RegistryHealth registry, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (running.await(200, TimeUnit.MILLISECONDS) || !registry.up()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the stream threads can reach the schema registry: down while a thread waits for it
     * (holding an unprocessed record), with the time since when and the last error. For readiness checks.
     */
    public RegistryHealth registryHealth() {
        return registryHealth;
    }

    /** The port {@code /health} and {@code /ready} are served on, or -1 without a health endpoint. */
    public int healthPort() {
        return healthServer == null ? -1 : healthServer.port();
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public KafkaStreams streams() {
        return streams;
    }

    /**
     * Stops this instance and leaves the consumer group, so that the partitions move to the other
     * instances (or to this one's successor) at once instead of after the session timeout.
     */
    @Override
    public void close() {
        registryHealth.stopWaiting(); // a thread waiting for the registry gives up its record (uncommitted) and ends
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
        if (healthServer != null) {
            healthServer.close();
        }
    }
}
