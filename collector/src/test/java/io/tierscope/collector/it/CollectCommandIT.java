package io.tierscope.collector.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.avro.SampleBatch;
import io.tierscope.avro.SampleSource;
import io.tierscope.collector.cli.CollectCommand;
import io.tierscope.platform.Platform;
import io.tierscope.platform.process.FreePorts;
import io.tierscope.platform.testing.PlatformExtension;
import io.tierscope.schemas.SampleCodec;
import io.tierscope.topics.Topic;
import io.tierscope.workload.trace.BinaryTraceWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code tierscope collect} end to end: trace files in, the exact accesses out of Kafka. */
@ExtendWith(PlatformExtension.class)
class CollectCommandIT {
    @TempDir
    Path dir;

    @Test
    void replayingTwoTracesPublishesEveryAccessOfBothVms(Platform platform) throws Exception {
        String run = PlatformExtension.uniqueTopic("cli");
        StringBuilder text = new StringBuilder("page,xwr\n");
        for (int i = 0; i < 5000; i++) {
            text.append(i % 700).append(',').append(i % 3 == 0 ? "rw" : "r").append('\n');
        }
        Path a = Files.writeString(dir.resolve("a.csv"), text);
        Path b = dir.resolve("b.tst");
        try (BinaryTraceWriter w = new BinaryTraceWriter(Files.newOutputStream(b))) {
            int vm = w.vm("default");
            for (int i = 0; i < 7000; i++) {
                w.write(1_000_000L + i * 5L, 1 << (i % 3), vm);
            }
        }
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new CollectCommand());
        cli.setOut(new PrintWriter(out, true));
        int code = cli.execute("--source", "trace", "--trace", a.toString(), "--trace", b.toString(),
                "--vm", run + "-a", "--vm", run + "-b", "--rate", "20000", "--speed", "2",
                "--bootstrap-servers", platform.bootstrapServers(), "--schema-registry", platform.schemaRegistryUrl(),
                "--partitions", "3", "--metrics-interval", "0", "--host", "cli-it");
        assertEquals(0, code, out.toString());
        assertTrue(out.toString().contains("12000 samples published, 0 lost"), out.toString());

        List<SampleBatch> batches = TopicReader.read(platform.bootstrapServers(), platform.schemaRegistryUrl(),
                Topic.RAW_SAMPLES, Set.of(run + "-a", run + "-b"),
                got -> got.stream().mapToLong(SampleBatch::getSampleCount).sum() >= 12_000, Duration.ofSeconds(60));
        long[] expectedA = new long[5000];
        for (int i = 0; i < 5000; i++) {
            expectedA[i] = SampleCodec.pack(i % 700, i % 3 == 0 ? 3 : 1);
        }
        long[] expectedB = new long[7000];
        for (int i = 0; i < 7000; i++) {
            expectedB[i] = SampleCodec.pack(1_000_000L + i * 5L, 1 << (i % 3));
        }
        assertArrayEquals(expectedA, samples(batches, run + "-a"));
        assertArrayEquals(expectedB, samples(batches, run + "-b"));
        batches.forEach(x -> {
            assertEquals(SampleSource.TRACE, x.getSource());
            assertEquals("cli-it", x.getHost());
        });
    }

    @Test
    void anUnreachableBrokerLosesEverythingAndTheCommandSaysSoAndExitsOne(Platform platform) {
        int closedPort = FreePorts.pick();
        Result r = collect("--source", "synthetic", "--vms", "1", "--vm", PlatformExtension.uniqueTopic("nobroker"),
                "--rate", "2000", "--scan-period", "0", "--duration", "2s",
                "--bootstrap-servers", "127.0.0.1:" + closedPort, "--schema-registry", platform.schemaRegistryUrl(),
                "--no-create-topics", "--metrics-interval", "0");
        assertEquals(1, r.code, r.err);
        Matcher m = Pattern.compile("collect: failed: read (\\d+) samples, published 0, lost (\\d+) \\((\\d+) not delivered\\): "
                + "Kafka at 127\\.0\\.0\\.1:" + closedPort + " unreachable for (\\d+) s \\(set --bootstrap-servers or "
                + "KAFKA_BOOTSTRAP_SERVERS\\)").matcher(lastLine(r.err));
        assertTrue(m.matches(), r.err);
        assertTrue(Long.parseLong(m.group(1)) > 0);
        assertEquals(m.group(1), m.group(2), "everything read was lost");
        assertEquals(m.group(1), m.group(3));
        assertTrue(Long.parseLong(m.group(4)) >= 10, "the outage lasted the run plus the final drain: " + r.err);
        assertTrue(r.err.contains("no acknowledgement from Kafka at 127.0.0.1:" + closedPort), "reported while it lasted: " + r.err);
    }

    @Test
    void anUnreachableRegistryLosesNothingWhileItIsDownButTheRunFailsIfItNeverComesBack(Platform platform) {
        String registry = "http://127.0.0.1:" + FreePorts.pick() + "/apis/ccompat/v7";
        Result r = collect("--source", "synthetic", "--vms", "1", "--vm", PlatformExtension.uniqueTopic("noregistry"),
                "--rate", "2000", "--scan-period", "0", "--duration", "2s",
                "--bootstrap-servers", platform.bootstrapServers(), "--schema-registry", registry, "--metrics-interval", "0");
        assertEquals(1, r.code, r.err);
        Matcher m = Pattern.compile("collect: failed: read (\\d+) samples, published 0, lost (\\d+) \\((\\d+) not delivered\\): "
                + "schema registry at " + Pattern.quote(registry) + " unreachable for (\\d+) s \\(set --schema-registry or "
                + "SCHEMA_REGISTRY_URL\\)").matcher(lastLine(r.err));
        assertTrue(m.matches(), r.err);
        assertEquals(m.group(1), m.group(2));
        assertTrue(r.err.contains("schema registry at " + registry + " is unreachable"), "reported while it lasted: " + r.err);
    }

    @Test
    void aRegistryThatComesUpAfterTheCollectorLosesNothing(Platform platform) throws Exception {
        String vm = PlatformExtension.uniqueTopic("lateregistry");
        StringBuilder text = new StringBuilder("page,xwr\n");
        for (int i = 0; i < 3000; i++) {
            text.append(i % 500).append(",r\n");
        }
        Path trace = Files.writeString(dir.resolve("late.csv"), text);
        try (RegistryProxy registry = new RegistryProxy(FreePorts.pick(), platform.schemaRegistryUrl())) {
            StringWriter err = new StringWriter();
            StringWriter out = new StringWriter();
            CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> new CommandLine(new CollectCommand())
                    .setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                    .execute("--source", "trace", "--trace", trace.toString(), "--vm", vm, "--rate", "1000",
                            "--bootstrap-servers", platform.bootstrapServers(), "--schema-registry", registry.url(),
                            "--metrics-interval", "0"));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!err.toString().contains("schema registry at " + registry.url() + " is unreachable") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertTrue(err.toString().contains("unreachable"), "the outage is reported: " + err);
            Thread.sleep(1500); // more retries against the closed port
            registry.start();
            int code = run.get(120, TimeUnit.SECONDS);
            assertEquals(0, code, out + "\n" + err);
            assertTrue(out.toString().contains("3000 samples published, 0 lost"), out.toString());
            assertTrue(err.toString().contains("schema registry at " + registry.url() + " reachable again"), err.toString());
            assertTrue(registry.forwarded() > 0);
        }
        List<SampleBatch> batches = TopicReader.read(platform.bootstrapServers(), platform.schemaRegistryUrl(),
                Topic.RAW_SAMPLES, Set.of(vm), got -> got.stream().mapToLong(SampleBatch::getSampleCount).sum() >= 3000,
                Duration.ofSeconds(60));
        assertEquals(3000, batches.stream().mapToLong(SampleBatch::getSampleCount).sum(), "every sample, once");
    }

    @Test
    void aPrometheusScrapeDuringTheRunShowsTheCollectorsAndTheProducersMeters(Platform platform) throws Exception {
        String vm = PlatformExtension.uniqueTopic("scrape");
        StringBuilder text = new StringBuilder("page,xwr\n");
        for (int i = 0; i < 4000; i++) {
            text.append(i % 300).append(",r\n");
        }
        Path trace = Files.writeString(dir.resolve("scrape.csv"), text);
        int port = FreePorts.pick();
        CompletableFuture<Integer> run = CompletableFuture.supplyAsync(() -> new CommandLine(new CollectCommand())
                .setOut(new PrintWriter(new StringWriter(), true)).setErr(new PrintWriter(new StringWriter(), true))
                .execute("--source", "trace", "--trace", trace.toString(), "--vm", vm, "--rate", "500",
                        "--bootstrap-servers", platform.bootstrapServers(), "--schema-registry", platform.schemaRegistryUrl(),
                        "--metrics-interval", "0", "--metrics-port", Integer.toString(port), "--metrics-bind", "127.0.0.1"));
        HttpClient http = HttpClient.newHttpClient();
        String scrape = "";
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline && !(published(scrape) > 0 && scrape.contains("kafka_producer_record_send_total"))) {
            Thread.sleep(200);
            try {
                scrape = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
            } catch (java.io.IOException notYet) {
                // the endpoint starts once the collector runs
            }
        }
        assertTrue(published(scrape) > 0, "samples published while running: " + scrape);
        assertTrue(scrape.contains("kafka_producer_record_send_total"), "the producer's own meters are bound: " + scrape);
        assertEquals(0, run.get(120, TimeUnit.SECONDS));
    }

    /** tierscope_collector_samples_published_total in a scrape, or -1. */
    private static double published(String scrape) {
        Matcher m = Pattern.compile("(?m)^tierscope_collector_samples_published_total\\{[^}]*} (\\S+)$").matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }

    private record Result(int code, String out, String err) {
    }

    private static Result collect(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = new CommandLine(new CollectCommand()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true))
                .execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private static String lastLine(String text) {
        List<String> lines = text.lines().filter(l -> !l.isBlank()).toList();
        return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
    }

    private static long[] samples(List<SampleBatch> batches, String vm) {
        return batches.stream().filter(x -> x.getVmId().equals(vm))
                .flatMapToLong(x -> java.util.Arrays.stream(CollectorIT.unpack(x))).toArray();
    }
}
