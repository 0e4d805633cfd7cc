package io.tierscope.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.app.security.ComponentAcls;
import io.tierscope.avro.IngestStats;
import io.tierscope.cli.ClientSecurity;
import io.tierscope.collector.produce.SyntheticFleet;
import io.tierscope.platform.Platform;
import io.tierscope.platform.kafka.BrokerProcess;
import io.tierscope.platform.kafka.BrokerSecurity;
import io.tierscope.platform.process.FreePorts;
import io.tierscope.platform.testing.PlatformExtension;
import io.tierscope.schemas.serde.SpecificAvroDeserializer;
import io.tierscope.streams.StreamsAppConfig;
import io.tierscope.streams.StreamsRunner;
import io.tierscope.topics.Topic;
import io.tierscope.topics.TopicProvisioner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline on a secured cluster: the embedded broker with a SASL_SSL listener (SCRAM-SHA-512,
 * keytool-made certificate) and the StandardAuthorizer; the collector, the streams app and an output
 * reader each authenticate as their own principal with only {@link ComponentAcls}' ACLs. A client
 * without credentials, with a wrong password, or without ACLs is refused. (The registry is the
 * embedded, open one: Apicurio's auth needs an OIDC server.)
 */
@ExtendWith(PlatformExtension.class)
class SecuredClusterIT {
    private static final String APP_ID = "secured-it";

    @TempDir
    static Path tmp;

    private static BrokerProcess broker;
    private static Map<String, String> passwords = new HashMap<>();

    @BeforeAll
    static void startSecuredBroker() throws Exception {
        int[] ports = FreePorts.pick(2);
        broker = BrokerProcess.start(tmp.resolve("secured-broker"), ports[0], ports[1], true, Duration.ofMinutes(3));
        try (Admin admin = admin(BrokerSecurity.ADMIN, broker.security().adminPassword())) {
            new TopicProvisioner(admin, 2, (short) 1).ensureAll();
            List<UserScramCredentialUpsertion> users = new ArrayList<>();
            for (String user : List.of("collector", "streams", "reader", "nobody")) {
                passwords.put(user, BrokerSecurity.randomSecret());
                users.add(new UserScramCredentialUpsertion(user, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192),
                        passwords.get(user)));
            }
            admin.alterUserScramCredentials(new ArrayList<>(users)).all().get();
            List<org.apache.kafka.common.acl.AclBinding> acls = new ArrayList<>();
            acls.addAll(ComponentAcls.collector("collector"));
            acls.addAll(ComponentAcls.streams("streams", APP_ID));
            acls.addAll(ComponentAcls.outputReader("reader"));
            admin.createAcls(acls).all().get();
        }
        for (String user : passwords.keySet()) {
            awaitAuthenticates(user);
        }
    }

    /** A new SCRAM credential reaches the broker's metadata a little after the controller accepted it. */
    private static void awaitAuthenticates(String user) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (true) {
            try (Admin admin = admin(user, passwords.get(user))) {
                admin.describeCluster().clusterId().get();
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof SaslAuthenticationException) || System.nanoTime() > deadline) {
                    throw new IllegalStateException(user + " cannot authenticate", e);
                }
                Thread.sleep(200);
            }
        }
    }

    @AfterAll
    static void stopSecuredBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void collectorStreamsAndReaderWorkEachWithItsOwnPrincipalAndAcls(Platform platform) throws Exception {
        String registry = platform.schemaRegistryUrl();
        StreamsAppConfig config = new StreamsAppConfig(Duration.ofSeconds(10), Duration.ofSeconds(1), "xwr");
        ClientSecurity streams = security("streams");
        ClientSecurity reader = security("reader");
        try (StreamsRunner runner = StreamsRunner.start(StreamsRunner.streamsProperties(streams, broker.bootstrapServers(),
                     APP_ID, tmp.resolve("state"), Map.of("commit.interval.ms", "500")),
                     config, streams, registry, 2, (short) 1, Duration.ofMinutes(3));
             SyntheticFleet fleet = SyntheticFleet.start(security("collector"), broker.bootstrapServers(), registry,
                     SyntheticFleet.defaultVms(2), 2000, 1000);
             KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(readerProps(reader),
                     new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topic.INGEST_STATS.topicName(), Duration.ofSeconds(30))
                    .stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            SpecificAvroDeserializer<IngestStats> de = new SpecificAvroDeserializer<>(IngestStats.class,
                    reader.registryClient(registry, 10_000));
            IngestStats first = null;
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (first == null && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    IngestStats stats = de.deserialize(r.topic(), r.value());
                    if (stats.getSamples() > 0) {
                        first = stats;
                    }
                }
            }
            assertTrue(first != null, "the reader got ingest stats of the collector's samples, through the streams app");
            assertTrue(first.getVmId().startsWith("vm-"), first.toString());
            fleet.stop();
        }
    }

    @Test
    void aClientWithoutCredentialsIsRefused() {
        Map<String, Object> plaintext = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "8000", AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "4000");
        try (Admin admin = Admin.create(plaintext)) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> admin.listTopics().names().get());
            assertInstanceOf(org.apache.kafka.common.errors.TimeoutException.class, e.getCause(), e.toString());
        }
    }

    @Test
    void aWrongPasswordIsRefused() {
        Map<String, Object> props = ClientSecurity.of(broker.security().clientSettings("collector", "not-the-password"))
                .kafkaClientProperties(broker.bootstrapServers());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "40000");
        try (Admin admin = Admin.create(props)) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> admin.listTopics().names().get());
            assertInstanceOf(SaslAuthenticationException.class, e.getCause(), e.toString());
        }
    }

    @Test
    void anAuthenticatedPrincipalWithoutAclsCanNeitherWriteNorRead() {
        Map<String, Object> producerProps = security("nobody").kafkaClientProperties(broker.bootstrapServers());
        producerProps.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "20000");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps, new StringSerializer(),
                new ByteArraySerializer())) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> producer.send(new ProducerRecord<>(Topic.RAW_SAMPLES.topicName(), "vm", new byte[1])).get());
            assertInstanceOf(TopicAuthorizationException.class, e.getCause(), e.toString());
        }
        // The output reader may read outputs but not write inputs: least privilege, not just "authenticated".
        Map<String, Object> readerAsProducer = security("reader").kafkaClientProperties(broker.bootstrapServers());
        readerAsProducer.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "20000");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(readerAsProducer, new StringSerializer(),
                new ByteArraySerializer())) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> producer.send(new ProducerRecord<>(Topic.RAW_SAMPLES.topicName(), "vm", new byte[1])).get());
            assertInstanceOf(TopicAuthorizationException.class, e.getCause(), e.toString());
        }
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(readerProps(security("nobody")),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(new TopicPartition(Topic.INGEST_STATS.topicName(), 0)));
            assertThrows(TopicAuthorizationException.class, () -> consumer.poll(Duration.ofSeconds(20)));
        }
    }

    private static ClientSecurity security(String user) {
        return ClientSecurity.of(broker.security().clientSettings(user, passwords.get(user)));
    }

    private static Map<String, Object> readerProps(ClientSecurity security) {
        Map<String, Object> p = security.kafkaClientProperties(broker.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return p;
    }

    private static Admin admin(String user, String password) {
        return Admin.create(ClientSecurity.of(broker.security().clientSettings(user, password))
                .kafkaClientProperties(broker.bootstrapServers()));
    }
}
