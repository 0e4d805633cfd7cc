package io.tierscope.executor.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.avro.MigrationResult;
import io.tierscope.avro.PagePlacement;
import io.tierscope.avro.TieringPlan;
import io.tierscope.avro.VmPlan;
import io.tierscope.executor.cli.ExecuteCommand;
import io.tierscope.guestmap.QemuGuestRam;
import io.tierscope.nativeaccess.Errno;
import io.tierscope.nativeaccess.testing.NativePrograms;
import io.tierscope.nativeaccess.testing.Toucher;
import io.tierscope.platform.Platform;
import io.tierscope.platform.testing.PlatformExtension;
import io.tierscope.platform.testing.PrometheusText;
import io.tierscope.schemas.serde.AvroSerdes;
import io.tierscope.topics.DeadLetter;
import io.tierscope.topics.Topic;
import io.tierscope.topics.TopicProvisioner;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code tierscope execute --apply} end to end through a real broker and registry, on a real child
 * process standing in for a VM: a plan in, a MigrationResult and PagePlacement records out.
 */
@ExtendWith(PlatformExtension.class)
class ExecuteCommandIT {
    private static final int PAGES = 256;
    private static final int CHUNK = 64;

    @TempDir
    Path dir;

    @Test
    void aPlanForAChildProcessGivesResultsAndPlacement(Platform platform) throws Exception {
        String host = PlatformExtension.uniqueTopic("hv");
        String vm = host + "-vm";
        provisionTopics(platform);
        Path toucher = NativePrograms.compile("toucher", dir);
        try (Toucher child = Toucher.start(toucher, PAGES, 0, 1, 2, 3)) {
            // The command finds the child's guest RAM the way it finds QEMU's: its largest anonymous mapping.
            QemuGuestRam ram = QemuGuestRam.ofProcess(child.pid, null, QemuGuestRam.Machine.Q35);
            long g0 = (child.base - ram.mapping().start()) / 4096;
            long outside = ram.mapping().pages() + 10; // below 2 GiB and past the mapping: no RAM there
            VmPlan vmPlan = VmPlan.newBuilder().setVmId(vm).setPid(child.pid).setFastPages(4)
                    .setDemote(List.of(g0, g0 + 1)).setPromote(List.of(g0 + 2, g0 + 100, outside)).setDeferredPages(0).build();
            TieringPlan plan = TieringPlan.newBuilder().setPlanId(host + "#1").setHost(host).setPeriodStartMs(1)
                    .setFastNode(0).setSlowNode(0).setMigrationBudgetPages(100).setVms(List.of(vmPlan)).build();
            try (KafkaProducer<String, byte[]> producer = producer(platform);
                 Serializer<TieringPlan> serializer = AvroSerdes.valueSerde(TieringPlan.class, platform.schemaRegistryUrl()).serializer()) {
                String topic = Topic.TIERING_PLANS.topicName();
                producer.send(new ProducerRecord<>(topic, host, "not avro".getBytes(StandardCharsets.UTF_8))).get();
                // An older plan still waiting is superseded by the newer one: only the newest runs.
                TieringPlan older = TieringPlan.newBuilder(plan).setPlanId(host + "#0").setPeriodStartMs(0).build();
                producer.send(new ProducerRecord<>(topic, host, serializer.serialize(topic, older))).get();
                producer.send(new ProducerRecord<>(topic, host, serializer.serialize(topic, plan))).get();
            }

            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cli = executeCommand(out, err);
            int code = assertTimeoutPreemptively(Duration.ofMinutes(4), () -> cli.execute("--host", host, "--apply",
                    "--gfn-mapping", "qemu", "--chunk-pages", Integer.toString(CHUNK), "--max-plans", "1",
                    "--bootstrap-servers", platform.bootstrapServers(), "--schema-registry", platform.schemaRegistryUrl()));
            assertEquals(0, code, out + "\n" + err);
            assertTrue(out.toString().contains("execute: done: 1 plan(s) executed"), out.toString());

            List<MigrationResult> all = ExecuteCommandIT.<MigrationResult>read(platform, Topic.MIGRATION_RESULTS, vm, got -> !got.isEmpty());
            assertEquals(1, all.size(), all.toString());
            MigrationResult r = all.get(0);
            assertEquals(host + "#1", r.getPlanId());
            assertEquals(host, r.getHost());
            assertFalse(r.getDryRun());
            assertNull(r.getError());
            assertEquals(List.of(g0, g0 + 1, g0 + 2, g0 + 100, outside), r.getGfns());
            assertEquals(List.of(0, 0, 0, -Errno.ENOENT, -Errno.EFAULT), r.getStatus());
            assertEquals(3, r.getMovedPages());
            assertEquals(Map.of("ENOENT", 1L, "EFAULT", 1L), r.getFailuresByErrno());

            // Chunks touched: g0's (and g0+1, g0+2 if in the same chunk), g0+100's, and the one past the mapping.
            java.util.Set<Long> chunks = new java.util.TreeSet<>(List.of(g0 / CHUNK, (g0 + 1) / CHUNK, (g0 + 2) / CHUNK,
                    (g0 + 100) / CHUNK, outside / CHUNK));
            List<PagePlacement> placements = ExecuteCommandIT.<PagePlacement>read(platform, Topic.PLACEMENT, null,
                    got -> got.stream().filter(p -> p.getVmId().equals(vm)).count() >= chunks.size());
            placements.removeIf(p -> !p.getVmId().equals(vm));
            assertEquals(chunks.size(), placements.size());
            for (PagePlacement p : placements) {
                assertEquals(CHUNK, p.getPageCount());
                assertEquals(p.getChunkIndex() * CHUNK, p.getBaseGfn());
                byte[] nodes = new byte[CHUNK];
                p.getNodes().duplicate().get(nodes);
                byte[] expected = new byte[CHUNK];
                for (int i = 0; i < CHUNK; i++) {
                    long gfn = p.getBaseGfn() + i;
                    long page = gfn - g0;
                    expected[i] = (byte) (ram.hvaOf(gfn) < 0 ? -Errno.EFAULT
                            : page >= 0 && page < 4 ? 0 : nodes[i]); // other pages of the mapping: whatever they are
                }
                assertArrayEquals(expected, nodes, "chunk " + p.getChunkIndex());
                if (p.getChunkIndex() == (g0 + 100) / CHUNK) {
                    assertEquals(-Errno.ENOENT, nodes[(int) ((g0 + 100) % CHUNK)], "an untouched page of the child");
                }
            }
        }

        List<ConsumerRecord<String, byte[]>> dead = deadLetters(platform, host);
        assertEquals(1, dead.size());
        String reason = new String(dead.get(0).headers().lastHeader(DeadLetter.REASON).value(), StandardCharsets.UTF_8);
        assertTrue(reason.startsWith("cannot decode TieringPlan"), reason);
        assertArrayEquals("not avro".getBytes(StandardCharsets.UTF_8), dead.get(0).value());
    }

    /**
     * {@code execute --metrics-port} scraped while it runs (a dry run), after it handled one plan on a host with two
     * memory nodes (a made-up sysfs tree): demote 2 pages of node 0 to node 1 (would move), promote an untouched page
     * (ENOENT), one past guest RAM (EFAULT) and two more than the budget of 4 pages allows (over budget).
     */
    @Test
    void aRunningDryRunServesThePlanMetersAtMetrics(Platform platform) throws Exception {
        String host = PlatformExtension.uniqueTopic("hv");
        String vm = host + "-vm";
        provisionTopics(platform);
        Path numa = dir.resolve("numa");
        Files.createDirectories(numa.resolve("node0"));
        Files.createDirectories(numa.resolve("node1"));
        Files.writeString(numa.resolve("has_memory"), "0-1\n");
        Path toucher = NativePrograms.compile("toucher", dir);
        try (Toucher child = Toucher.start(toucher, PAGES, 0, 1, 2, 3);
             KafkaProducer<String, byte[]> producer = producer(platform);
             Serializer<TieringPlan> serializer = AvroSerdes.valueSerde(TieringPlan.class, platform.schemaRegistryUrl()).serializer()) {
            QemuGuestRam ram = QemuGuestRam.ofProcess(child.pid, null, QemuGuestRam.Machine.Q35);
            long g0 = (child.base - ram.mapping().start()) / 4096;
            long outside = ram.mapping().pages() + 10;
            VmPlan vmPlan = VmPlan.newBuilder().setVmId(vm).setPid(child.pid).setFastPages(4)
                    .setDemote(List.of(g0, g0 + 1)).setPromote(List.of(g0 + 100, outside, g0 + 2, g0 + 3)).setDeferredPages(0).build();
            TieringPlan plan = TieringPlan.newBuilder().setPlanId(host + "#1").setHost(host).setPeriodStartMs(1)
                    .setFastNode(0).setSlowNode(1).setMigrationBudgetPages(4).setVms(List.of(vmPlan)).build();
            String topic = Topic.TIERING_PLANS.topicName();
            producer.send(new ProducerRecord<>(topic, host, serializer.serialize(topic, plan))).get();

            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            CommandLine cli = executeCommand(out, err);
            CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> cli.execute("--host", host, "--gfn-mapping", "qemu",
                    "--numa-root", numa.toString(), "--max-plans", "2", "--metrics-port", "0", "--metrics-bind", "127.0.0.1",
                    "--bootstrap-servers", platform.bootstrapServers(), "--schema-registry", platform.schemaRegistryUrl()));
            try {
                Map<String, Double> samples = Map.of();
                long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
                while (counter(samples, "tierscope_execute_plans_total") < 1 && System.nanoTime() < deadline && !run.isDone()) {
                    Matcher port = Pattern.compile("Prometheus metrics on port (\\d+)").matcher(out.toString());
                    if (port.find()) {
                        samples = scrape(Integer.parseInt(port.group(1)));
                    }
                    Thread.sleep(200);
                }
                // A scrape is not atomic: one that began before the plan's errno counters were registered can still read
                // the plan counter after it was incremented. The next scrape begins after both.
                Matcher port = Pattern.compile("Prometheus metrics on port (\\d+)").matcher(out.toString());
                if (port.find() && counter(samples, "tierscope_execute_plans_total") >= 1) {
                    samples = scrape(Integer.parseInt(port.group(1)));
                }
                assertEquals(1, counter(samples, "tierscope_execute_plans_total", "dry_run=\"true\""), out + "\n" + err + "\n" + samples);
                assertEquals(2, counter(samples, "tierscope_execute_pages_moved_total", "dry_run=\"true\""), samples.toString());
                assertEquals(1, counter(samples, "tierscope_execute_pages_failed_total", "errno=\"ENOENT\""), samples.toString());
                assertEquals(1, counter(samples, "tierscope_execute_pages_failed_total", "errno=\"EFAULT\""), samples.toString());
                assertEquals(2, counter(samples, "tierscope_execute_pages_failed_total"), "no other errno: " + samples);
                assertEquals(2, counter(samples, "tierscope_execute_pages_over_budget_total", "dry_run=\"true\""), samples.toString());
            } finally {
                // A second plan ends the run (--max-plans 2).
                TieringPlan next = TieringPlan.newBuilder(plan).setPlanId(host + "#2").setPeriodStartMs(2).build();
                producer.send(new ProducerRecord<>(topic, host, serializer.serialize(topic, next))).get();
                assertEquals(0, run.get(3, TimeUnit.MINUTES), out + "\n" + err);
            }
            assertTrue(out.toString().contains("execute: done: 2 plan(s) executed"), out.toString());
        }
    }

    /** {@code execute} writing its standard output and error to {@code out} and {@code err}. */
    private static CommandLine executeCommand(StringWriter out, StringWriter err) {
        return new CommandLine(new ExecuteCommand()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
    }

    private static void provisionTopics(Platform platform) throws InterruptedException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers()))) {
            new TopicProvisioner(admin, 3, (short) 1).ensure(List.of(Topic.TIERING_PLANS, Topic.MIGRATION_RESULTS,
                    Topic.PLACEMENT, Topic.DEAD_LETTER));
        }
    }

    private static KafkaProducer<String, byte[]> producer(Platform platform) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer());
    }

    private static Map<String, Double> scrape(int port) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                + "/metrics")).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return PrometheusText.parse(r.body());
    }

    /** The sum of the samples of counter {@code name} whose labels include each of {@code labels}. */
    private static double counter(Map<String, Double> samples, String name, String... labels) {
        return samples.entrySet().stream()
                .filter(e -> e.getKey().startsWith(name + "{") && java.util.Arrays.stream(labels).allMatch(e.getKey()::contains))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    @Test
    void placementOnlyPublishesEveryChunkOfTheVm(Platform platform) throws Exception {
        String host = PlatformExtension.uniqueTopic("hv");
        String vm = host + "-vm";
        Path toucher = NativePrograms.compile("toucher", dir);
        try (Toucher child = Toucher.start(toucher, PAGES, 0, 1, 2, 3)) {
            QemuGuestRam ram = QemuGuestRam.ofProcess(child.pid, null, QemuGuestRam.Machine.Q35);
            long g0 = (child.base - ram.mapping().start()) / 4096;
            long chunks = (ram.mapping().pages() + CHUNK - 1) / CHUNK;
            StringWriter out = new StringWriter();
            CommandLine cli = new CommandLine(new ExecuteCommand());
            cli.setOut(new PrintWriter(out, true));
            int code = assertTimeoutPreemptively(Duration.ofMinutes(3), () -> cli.execute("--host", host, "--placement-only",
                    "--vm", vm + "=" + child.pid, "--rounds", "1", "--gfn-mapping", "qemu", "--chunk-pages", Integer.toString(CHUNK),
                    "--bootstrap-servers", platform.bootstrapServers(), "--schema-registry", platform.schemaRegistryUrl()));
            assertEquals(0, code, out.toString());
            assertTrue(out.toString().contains("placement round 1: " + chunks + " chunk(s) published"), out.toString());
            List<PagePlacement> got = ExecuteCommandIT.<PagePlacement>read(platform, Topic.PLACEMENT, null,
                    l -> l.stream().filter(p -> p.getVmId().equals(vm)).count() >= chunks);
            got.removeIf(p -> !p.getVmId().equals(vm));
            assertEquals(chunks, got.size());
            for (long page = 0; page < 5; page++) {
                long gfn = g0 + page;
                PagePlacement p = got.stream().filter(c -> c.getChunkIndex() == gfn / CHUNK).findFirst().orElseThrow();
                assertEquals(page < 4 ? 0 : -Errno.ENOENT, p.getNodes().get((int) (gfn % CHUNK)), "page " + page);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <T extends org.apache.avro.specific.SpecificRecord> List<T> read(Platform platform, Topic topic, String key,
                                                                                  Predicate<List<T>> done) {
        List<T> got = new ArrayList<>();
        try (KafkaConsumer<String, T> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.GROUP_ID_CONFIG, "executor-it-" + System.nanoTime()),
                new StringDeserializer(),
                AvroSerdes.valueSerde((Class<T>) topic.valueType(), platform.schemaRegistryUrl()).deserializer())) {
            consumer.subscribe(List.of(topic.topicName()));
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (!done.test(got) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, T> r : consumer.poll(Duration.ofMillis(500))) {
                    if (key == null || key.equals(r.key())) {
                        got.add(r.value());
                    }
                }
            }
        }
        return got;
    }

    private static List<ConsumerRecord<String, byte[]>> deadLetters(Platform platform, String host) {
        List<ConsumerRecord<String, byte[]>> got = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.GROUP_ID_CONFIG, "executor-it-dlq-" + System.nanoTime()),
                new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topic.DEAD_LETTER.topicName()));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (got.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (host.equals(r.key())) {
                        got.add(r);
                    }
                }
            }
        }
        return got;
    }
}
