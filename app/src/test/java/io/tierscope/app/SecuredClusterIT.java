package io.tierscope.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tierscope.app.security.ComponentAcls;
import io.tierscope.avro.IngestStats;
import io.tierscope.avro.TieringPlan;
import io.tierscope.avro.VmInventory;
import io.tierscope.cli.ClientSecurity;
import io.tierscope.collector.produce.SyntheticFleet;
import io.tierscope.executor.cli.ExecuteCommand;
import io.tierscope.metrics.Metrics;
import io.tierscope.planner.PlannerConfig;
import io.tierscope.planner.PlannerRunner;
import io.tierscope.planner.inventory.InventorySpec;
import io.tierscope.planner.inventory.InventoryTopic;
import io.tierscope.platform.Platform;
import io.tierscope.platform.kafka.BrokerProcess;
import io.tierscope.platform.kafka.BrokerSecurity;
import io.tierscope.platform.process.FreePorts;
import io.tierscope.platform.testing.PlatformExtension;
import io.tierscope.query.QueryService;
import io.tierscope.schemas.serde.SpecificAvroDeserializer;
import io.tierscope.streams.StreamsAppConfig;
import io.tierscope.streams.StreamsRunner;
import io.tierscope.topics.Topic;
import io.tierscope.topics.TopicProvisioner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

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
    private static final String PLANNER_APP = "secured-it-planner";
    private static final String QUERY_APP = "secured-it-query";
    private static final String HOST = "secured-it-host";
    private static final String TOKEN = "secured-it-token";

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
            for (String user : List.of("collector", "streams", "reader", "planner", "executor", "query", "nobody")) {
                passwords.put(user, BrokerSecurity.randomSecret());
                users.add(new UserScramCredentialUpsertion(user, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192),
                        passwords.get(user)));
            }
            admin.alterUserScramCredentials(new ArrayList<>(users)).all().get();
            List<org.apache.kafka.common.acl.AclBinding> acls = new ArrayList<>();
            acls.addAll(ComponentAcls.collector("collector"));
            acls.addAll(ComponentAcls.streams("streams", APP_ID));
            acls.addAll(ComponentAcls.outputReader("reader"));
            acls.addAll(ComponentAcls.planner("planner", PLANNER_APP));
            acls.addAll(ComponentAcls.executor("executor", HOST));
            acls.addAll(ComponentAcls.queryService("query", QUERY_APP, List.of(APP_ID, PLANNER_APP)));
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
    void everyComponentWorksAsItsOwnPrincipalWithOnlyItsAcls(Platform platform) throws Exception {
        String registry = platform.schemaRegistryUrl();
        StreamsAppConfig config = new StreamsAppConfig(Duration.ofSeconds(10), Duration.ofSeconds(1), "xwr");
        ClientSecurity streams = security("streams");
        ClientSecurity reader = security("reader");
        List<SyntheticFleet.VmSpec> vms = SyntheticFleet.defaultVms(2);
        try (StreamsRunner runner = StreamsRunner.start(StreamsRunner.streamsProperties(streams, broker.bootstrapServers(),
                     APP_ID, tmp.resolve("state"), Map.of("commit.interval.ms", "500")),
                     config, streams, registry, 2, (short) 1, Duration.ofMinutes(3));
             SyntheticFleet fleet = SyntheticFleet.start(security("collector"), broker.bootstrapServers(), registry,
                     vms, 2000, 1000);
             KafkaConsumer<String, byte[]> consumer = readerFromStart(Topic.INGEST_STATS)) {
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

            plannerQueryServiceAndExecutorWorkEachAsItsOwnPrincipal(registry, vms);
            fleet.stop();
        }
    }

    /**
     * With the collector and the streams app running: the planner plans the host (inventory given by the
     * administrator), the reader sees the plan, an executor dry run executes it, and the query service answers
     * with its token only. Each as its own principal with only its ACLs.
     */
    private void plannerQueryServiceAndExecutorWorkEachAsItsOwnPrincipal(String registry, List<SyntheticFleet.VmSpec> vms)
            throws Exception {
        List<VmInventory> inventory = new ArrayList<>();
        long memory = 0;
        for (SyntheticFleet.VmSpec vm : vms) {
            inventory.add(InventorySpec.vm(vm.vmId(), "memory=" + vm.shape().pages() + ",pid=" + ProcessHandle.current().pid()));
            memory += vm.shape().pages();
        }
        ClientSecurity admin = ClientSecurity.of(broker.security().clientSettings(BrokerSecurity.ADMIN,
                broker.security().adminPassword()));
        new InventoryTopic(admin, broker.bootstrapServers(), registry).put(InventorySpec.build(HOST, 0, 1, memory / 4,
                Math.max(1, memory / 40), 4096, inventory, System.currentTimeMillis()));
        ClientSecurity planner = security("planner");
        int port = FreePorts.pick(1)[0];
        try (PlannerRunner runner = PlannerRunner.start(StreamsRunner.streamsProperties(planner, broker.bootstrapServers(),
                     PLANNER_APP, tmp.resolve("planner"), Map.of("commit.interval.ms", "500")),
                     PlannerConfig.from(Map.of(PlannerConfig.PERIOD_MS, "10000")), planner, registry, 2, (short) 1,
                     Duration.ofMinutes(3));
             QueryService query = QueryService.start(new QueryService.Settings(security("query"), broker.bootstrapServers(),
                     registry, QUERY_APP, tmp.resolve("query"), "127.0.0.1", port, new HostInfo("127.0.0.1", port), TOKEN,
                     Duration.ofHours(1), 2, (short) 1, Map.of()), Metrics.newRegistry("secured-it"), List.of(APP_ID, PLANNER_APP))) {
            TieringPlan plan = awaitPlan(registry);
            assertEquals(HOST, plan.getHost());

            Path executorConfig = broker.security().writeClientConfig(tmp.resolve("executor.properties"), "executor",
                    passwords.get("executor"));
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = new CommandLine(new ExecuteCommand()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                    .execute("--host", HOST, "--max-plans", "1", "--gfn-mapping", "qemu", "--bootstrap-servers",
                            broker.bootstrapServers(), "--schema-registry", registry, "--client-config", executorConfig.toString());
            assertEquals(0, code, out + "\n" + err);
            assertTrue(out.toString().contains("dry run") && out.toString().contains("done: 1 plan(s) executed"), out.toString());

            HttpClient http = HttpClient.newHttpClient();
            URI vmsUri = URI.create("http://127.0.0.1:" + port + "/api/v1/vms");
            assertEquals(401, http.send(HttpRequest.newBuilder(vmsUri).build(), HttpResponse.BodyHandlers.ofString()).statusCode(),
                    "no token, no answer");
            String answer = "";
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (!answer.contains(vms.get(0).vmId()) && System.nanoTime() < deadline) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(vmsUri).header("Authorization", "Bearer " + TOKEN)
                        .build(), HttpResponse.BodyHandlers.ofString());
                answer = r.statusCode() == 200 ? r.body() : "";
                Thread.sleep(500);
            }
            assertTrue(answer.contains(vms.get(0).vmId()), "the query service (its own principal) answers: " + answer);

            // The pipeline lag of the streams app and the planner, read by the query principal (DESCRIBE on their
            // groups and internal topics): a number of records for each, the planner's repartition topics included.
            URI lagUri = URI.create("http://127.0.0.1:" + port + "/api/v1/lag");
            JsonNode groups = null;
            deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (System.nanoTime() < deadline) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(lagUri).header("Authorization", "Bearer " + TOKEN)
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), r.body());
                groups = new ObjectMapper().readTree(r.body()).get("groups");
                if (groups.get(0).get("error").isNull() && groups.get(1).get("error").isNull()) {
                    break;
                }
                Thread.sleep(1000);
            }
            assertEquals(APP_ID, groups.get(0).get("group").asText());
            assertEquals(PLANNER_APP, groups.get(1).get("group").asText());
            for (JsonNode g : groups) {
                assertTrue(g.get("error").isNull() && g.get("lag").asLong() >= 0, "the query user reads the lag: " + groups);
            }
            assertTrue(groups.get(0).get("byTopic").has(Topic.RAW_SAMPLES.topicName()), groups.toString());
            List<String> plannerTopics = new ArrayList<>();
            groups.get(1).get("byTopic").fieldNames().forEachRemaining(plannerTopics::add);
            assertTrue(plannerTopics.contains(Topic.MRC_LATEST.topicName())
                    && plannerTopics.stream().anyMatch(t -> t.startsWith(PLANNER_APP + "-") && t.endsWith("-repartition")),
                    "the planner's inputs and its repartition topics: " + plannerTopics);
        }

        // A principal without ACLs cannot run the planner: its start-up topic check is refused.
        ClientSecurity nobody = security("nobody");
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> PlannerRunner.start(
                StreamsRunner.streamsProperties(nobody, broker.bootstrapServers(), PLANNER_APP + "-nobody",
                        tmp.resolve("planner-nobody"), Map.of()), PlannerConfig.from(Map.of()), nobody, registry, 2, (short) 1,
                Duration.ofSeconds(60)));
        assertTrue(refused.getMessage().contains("Authorization"), refused.getMessage());
    }

    /** The first plan of {@link #HOST}, read by the reader principal. */
    private static TieringPlan awaitPlan(String registry) {
        ClientSecurity reader = security("reader");
        try (KafkaConsumer<String, byte[]> consumer = readerFromStart(Topic.TIERING_PLANS)) {
            SpecificAvroDeserializer<TieringPlan> de = new SpecificAvroDeserializer<>(TieringPlan.class,
                    reader.registryClient(registry, 10_000));
            long deadline = System.nanoTime() + Duration.ofMinutes(4).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (HOST.equals(r.key()) && r.value() != null) {
                        return de.deserialize(r.topic(), r.value());
                    }
                }
            }
            throw new AssertionError("no plan for " + HOST + " within 4 minutes");
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

    /** A consumer as the reader principal, assigned every partition of {@code topic} from its start (no group). */
    private static KafkaConsumer<String, byte[]> readerFromStart(Topic topic) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(readerProps(security("reader")),
                new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic.topicName(), Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
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
