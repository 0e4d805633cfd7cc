package io.tierscope.query;

import io.tierscope.streams.StreamsRunner;
import io.tierscope.cli.ClientSecurity;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tierscope.metrics.Metrics;
import io.tierscope.topics.TopicProvisioner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance of the query service: its Kafka Streams app (the stores) and its HTTP server. The
 * server answers at once; until the stores are restored it says 503 with Retry-After.
 */
public final class QueryService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QueryService.class);
    public static final String DEFAULT_APPLICATION_ID = "tierscope-query";

    private final KafkaStreams streams;
    private final QueryServer server;
    private final KafkaStreamsMetrics streamsMetrics;
    private final Admin lagAdmin;

    private QueryService(KafkaStreams streams, QueryServer server, KafkaStreamsMetrics streamsMetrics, Admin lagAdmin) {
        this.streams = streams;
        this.server = server;
        this.streamsMetrics = streamsMetrics;
        this.lagAdmin = lagAdmin;
    }

    /** Settings of one instance. {@code advertised} is how the other instances reach this one (application.server). */
    public record Settings(ClientSecurity security, String bootstrapServers, String schemaRegistryUrl, String applicationId,
                           Path stateDir, String bindHost, int port, HostInfo advertised, String token, Duration historyRetention,
                           int partitions, short replicationFactor, Map<String, String> streamsOverrides) {
        /** Settings for an open (PLAINTEXT, no registry auth) cluster. */
        public Settings(String bootstrapServers, String schemaRegistryUrl, String applicationId, Path stateDir,
                        String bindHost, int port, HostInfo advertised, String token, Duration historyRetention,
                        int partitions, short replicationFactor, Map<String, String> streamsOverrides) {
            this(ClientSecurity.NONE, bootstrapServers, schemaRegistryUrl, applicationId, stateDir, bindHost, port, advertised,
                    token, historyRetention, partitions, replicationFactor, streamsOverrides);
        }
    }

    /** {@link #start(Settings, PrometheusMeterRegistry, List)} showing the lag of the streams app's default group. */
    public static QueryService start(Settings s, PrometheusMeterRegistry registry) throws InterruptedException {
        return start(s, registry, List.of(StreamsRunner.DEFAULT_APPLICATION_ID));
    }

    /**
     * Creates missing topics, starts the stores and the HTTP server; returns without waiting for the stores.
     * {@code lagGroups}: the pipeline's consumer groups (application ids) whose lag the API and dashboard show.
     */
    public static QueryService start(Settings s, PrometheusMeterRegistry registry, List<String> lagGroups) throws InterruptedException {
        if (s.port() < 1) {
            throw new IllegalArgumentException("the query service needs a fixed port (got " + s.port()
                    + "): other instances forward to it");
        }
        try (Admin admin = Admin.create(s.security().kafkaClientProperties(s.bootstrapServers()))) {
            new TopicProvisioner(admin, s.partitions(), s.replicationFactor()).ensureAll();
        }
        Properties p = s.security().kafkaClientProps(s.bootstrapServers());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, s.applicationId());
        p.put(StreamsConfig.STATE_DIR_CONFIG, s.stateDir().toString());
        p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, s.advertised().host() + ":" + s.advertised().port());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "1000");
        // It only reads committed outputs: at-least-once is enough, a replayed record rewrites the same value.
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG), "read_committed");
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        p.putAll(s.streamsOverrides());
        KafkaStreams streams = new KafkaStreams(QueryTopology.build(s.security().serdeConfig(s.schemaRegistryUrl()), s.historyRetention()), p);
        streams.setStateListener((now, before) -> LOG.info("query service Kafka Streams {} -> {}", before, now));
        streams.setUncaughtExceptionHandler(e -> {
            LOG.error("query stream thread failed; replacing it", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        KafkaStreamsMetrics streamsMetrics = Metrics.bindKafkaStreams(registry, streams);
        Admin lagAdmin = Admin.create(s.security().kafkaClientProperties(s.bootstrapServers()));
        PipelineLag lag = new PipelineLag(lagAdmin, lagGroups);
        QueryServer server = new QueryServer(new LocalStores(streams), s.advertised(), s.bindHost(), s.port(), s.token(),
                registry, Duration.ofSeconds(2), lag);
        server.start();
        streams.start();
        return new QueryService(streams, server, streamsMetrics, lagAdmin);
    }

    public KafkaStreams streams() {
        return streams;
    }

    public int port() {
        return server.port();
    }

    /** Stops serving, then leaves the group so the partitions move to the other instances at once. */
    @Override
    public void close() {
        server.close();
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
        streamsMetrics.close();
        lagAdmin.close(Duration.ofSeconds(5));
    }
}
