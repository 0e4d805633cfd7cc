package io.tierscope.query;

import static io.tierscope.query.Fixtures.JSON;
import static io.tierscope.query.Fixtures.await;
import static io.tierscope.query.Fixtures.get;
import static io.tierscope.query.Fixtures.getJson;
import static io.tierscope.query.Fixtures.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tierscope.metrics.Metrics;
import io.tierscope.platform.Platform;
import io.tierscope.platform.testing.PlatformExtension;
import io.tierscope.platform.testing.PrometheusText;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two query service instances of one application against the real broker and registry: data as
 * the topology and the planner publish it, every answer checked on both instances (each forwards
 * to the other for the VMs it does not own), fleet answers gathered from both, the bearer token,
 * errors as JSON, and a Prometheus scrape.
 */
@ExtendWith(PlatformExtension.class)
class QueryServiceIT {
    private static final String TOKEN = "it-secret";

    @Test
    void twoInstancesAnswerForEachOthersVmsFromTheMaterialisedTopics(Platform platform, @TempDir Path dirA, @TempDir Path dirB)
            throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> vms = vmsOnEveryPartition("it-" + run + "-vm", 6);
        String host = "it-" + run + "-host";
        Fixtures.publish(platform, vms, host);

        String app = "query-it-" + run;
        PrometheusMeterRegistry registryA = Metrics.newRegistry("serve");
        try (QueryService a = start(platform, app, dirA, registryA);
             QueryService b = start(platform, app, dirB, Metrics.newRegistry("serve"))) {
            int pa = a.port();
            int pb = b.port();
            await("both instances RUNNING with partitions each", Duration.ofMinutes(3), () ->
                    a.streams().state() == KafkaStreams.State.RUNNING && b.streams().state() == KafkaStreams.State.RUNNING
                            && !a.streams().metadataForLocalThreads().iterator().next().activeTasks().isEmpty()
                            && !b.streams().metadataForLocalThreads().iterator().next().activeTasks().isEmpty()
                            && activeOwners(a, vms, host).size() == 2);
            for (String vm : vms) {
                await(vm + " fully materialised", Duration.ofMinutes(2), () -> ok(pa, "/api/v1/vms/" + vm + "/heat", TOKEN)
                        && ok(pa, "/api/v1/vms/" + vm + "/mrc", TOKEN) && historyComplete(pa, vm));
            }
            await("host materialised", Duration.ofMinutes(1), () -> ok(pa, "/api/v1/hosts/" + host + "/plan", TOKEN)
                    && ok(pa, "/api/v1/hosts/" + host + "/allocation", TOKEN));

            // Both instances own some VMs (the VMs cover every partition), and each answers for all.
            Set<HostInfo> owners = new HashSet<>();
            for (int i = 0; i < vms.size(); i++) {
                String vm = vms.get(i);
                KeyQueryMetadata owner = a.streams().queryMetadataForKey(QueryTopology.MRC_LATEST, vm, Serdes.String().serializer());
                owners.add(owner.activeHost());
                for (int port : new int[] {pa, pb}) {
                    JsonNode mrc = getJson(port, "/api/v1/vms/" + vm + "/mrc", TOKEN);
                    assertEquals(vm, mrc.get("vmId").asText());
                    assertEquals("CUMULATIVE", mrc.get("kind").asText());
                    assertEquals(1000L * (i + 1), mrc.get("workingSetPages").asLong());
                    assertEquals(mrc.get("points").size(), Fixtures.curve(vm, io.tierscope.avro.CurveKind.CUMULATIVE, 0, 1000L * (i + 1)).getPoints().size());

                    JsonNode history = getJson(port, "/api/v1/vms/" + vm + "/mrc/history", TOKEN);
                    assertEquals(3, history.size(), "only WINDOW curves are history");
                    for (int w = 0; w < 3; w++) {
                        assertEquals(Fixtures.T0 + w * Fixtures.WINDOW, history.get(w).get("windowStartMs").asLong());
                        assertEquals("WINDOW", history.get(w).get("kind").asText());
                    }
                    JsonNode ws = getJson(port, "/api/v1/vms/" + vm + "/working-set?from=" + (Fixtures.T0 + Fixtures.WINDOW), TOKEN);
                    assertEquals(2, ws.size(), "from bounds the window starts");
                    assertEquals(1000L * (i + 1) + 200, ws.get(1).get("workingSetPages").asLong());

                    JsonNode heat = getJson(port, "/api/v1/vms/" + vm + "/heat", TOKEN);
                    assertEquals(2L * Fixtures.CHUNK_PAGES, heat.get("current").get("pages").asLong());
                    assertEquals(409, heat.get("summary").get("hotPages").asLong());
                    // Final chunks: chunk c page p in state (p/8 + c) % 5; 512 pages = 64 runs of 8 per chunk.
                    long[] expected = new long[5];
                    for (int c = 0; c < 2; c++) {
                        for (int p = 0; p < Fixtures.CHUNK_PAGES; p++) {
                            expected[(p / 8 + c) % 5]++;
                        }
                    }
                    for (int s = 0; s < 5; s++) {
                        assertEquals(expected[s], heat.get("current").get("pagesPerState").get(s).asLong(), "state " + s);
                    }
                    assertEquals(expected[3] + expected[4], heat.get("current").get("hotPages").asLong());

                    JsonNode coldest = getJson(port, "/api/v1/vms/" + vm + "/pages?order=coldest&limit=10", TOKEN);
                    assertEquals(2L * Fixtures.CHUNK_PAGES, coldest.get("total").asLong());
                    assertEquals(10, coldest.get("pages").size());
                    for (int k = 0; k < 8; k++) {
                        assertEquals(k, coldest.get("pages").get(k).get("gfn").asLong(), "chunk 0's first run is frigid");
                        assertEquals("frigid", coldest.get("pages").get(k).get("stateName").asText());
                    }
                    JsonNode hottest = getJson(port, "/api/v1/vms/" + vm + "/pages?order=hottest&limit=3&offset=2", TOKEN);
                    assertEquals(34, hottest.get("pages").get(0).get("gfn").asLong(), "sizzle pages by gfn: 32..39, offset 2");
                    JsonNode hotSet = getJson(port, "/api/v1/vms/" + vm + "/pages?set=hot&limit=1000", TOKEN);
                    assertEquals(expected[3] + expected[4], hotSet.get("total").asLong());
                    hotSet.get("pages").forEach(pg -> assertEquals("hot", pg.get("class").asText()));

                    JsonNode map = getJson(port, "/api/v1/vms/" + vm + "/heatmap?rows=16&cols=8", TOKEN);
                    assertEquals(8, map.get("cells").size());
                    assertEquals(16, map.get("cells").get(7).size());
                    assertEquals(0, map.get("gfnStart").asLong());
                    assertEquals(2L * Fixtures.CHUNK_PAGES, map.get("gfnEnd").asLong());
                    assertTrue(map.get("cells").get(7).get(0).isNumber(), "the last column has data everywhere");
                }
            }
            owners.add(a.streams().queryMetadataForKey(QueryTopology.PLANS, host, Serdes.String().serializer()).activeHost());
            assertEquals(2, owners.size(), "each instance owns some of the keys asked for: " + owners);

            // Fleet: every VM once, from either instance; top-N orders.
            for (int port : new int[] {pa, pb}) {
                List<String> seen = new ArrayList<>();
                getJson(port, "/api/v1/vms", TOKEN).forEach(v -> {
                    if (v.get("vmId").asText().startsWith("it-" + run)) {
                        seen.add(v.get("vmId").asText());
                    }
                });
                assertEquals(vms.stream().sorted().toList(), seen);
            }
            JsonNode top = getJson(pa, "/api/v1/vms?sort=working-set&limit=2", TOKEN);
            assertEquals(2, top.size());
            assertTrue(top.get(0).get("workingSetPages").asLong() >= top.get(1).get("workingSetPages").asLong());
            JsonNode byIngest = getJson(pb, "/api/v1/vms?sort=ingest", TOKEN);
            for (int k = 1; k < byIngest.size(); k++) {
                assertTrue(byIngest.get(k - 1).get("samplesPerSecond").asDouble() >= byIngest.get(k).get("samplesPerSecond").asDouble());
            }
            JsonNode one = getJson(pb, "/api/v1/vms/" + vms.get(0), TOKEN);
            assertEquals(100.0 * vms.size(), one.get("samplesPerSecond").asDouble(), 1e-9, "samples over a 10 s window");
            assertTrue(one.get("gainMissesPerSecond").asDouble() > 0, "a curve that falls to its working set has a gain");
            assertEquals(0.25, one.get("writeFraction").asDouble(), 1e-9);

            // Hosts.
            JsonNode plan = getJson(pb, "/api/v1/hosts/" + host + "/plan", TOKEN);
            assertEquals(host, plan.get("host").asText());
            assertEquals(List.of(10L, 11L), List.of(plan.get("vms").get(0).get("demote").get(0).asLong(),
                    plan.get("vms").get(0).get("demote").get(1).asLong()));
            JsonNode allocation = getJson(pa, "/api/v1/hosts/" + host + "/allocation", TOKEN);
            assertEquals(vms.size(), allocation.get("vms").size());
            boolean listed = false;
            for (JsonNode h : getJson(pb, "/api/v1/hosts", TOKEN)) {
                listed |= h.get("host").asText().equals(host) && h.get("plan").get("planId").asText().equals(host + "#" + Fixtures.T0);
            }
            assertTrue(listed, "the host is listed with its plan");

            // Errors: JSON with a status; token required.
            HttpResponse<String> missing = get(pa, "/api/v1/vms/no-such-vm-" + run + "/mrc", TOKEN);
            assertEquals(404, missing.statusCode());
            assertEquals(404, JSON.readTree(missing.body()).get("status").asInt());
            assertEquals(400, get(pb, "/api/v1/vms/" + vms.get(0) + "/pages?order=sideways", TOKEN).statusCode());
            assertEquals(400, get(pb, "/api/v1/vms?limit=many", TOKEN).statusCode());
            assertEquals(401, get(pa, "/api/v1/vms", null).statusCode());
            assertEquals(401, get(pa, "/metrics", "wrong").statusCode());
            assertEquals(404, get(pa, "/api/v1/nothing-here", TOKEN).statusCode());
            JsonNode openapi = getJson(pa, "/api/v1/openapi.json", TOKEN);
            assertTrue(openapi.get("paths").has("/api/v1/vms/{vm}/mrc"));

            // The CLI: the same answers as a table, JSON and CSV, through the API and read directly from the topics.
            Path tokenFile = dirA.resolve("token");
            java.nio.file.Files.writeString(tokenFile, TOKEN + "\n");
            String url = "http://127.0.0.1:" + pb;
            String[] viaApi = {"--url", url, "--token-file", tokenFile.toString()};
            String[] direct = {"--direct", "--bootstrap-servers", platform.bootstrapServers(), "--schema-registry", platform.schemaRegistryUrl()};
            String vm0 = vms.get(0);

            Cli table = cli("vms", "--sort", "working-set", viaApi);
            assertEquals(0, table.code, table.err);
            List<String> lines = table.out.lines().toList();
            assertTrue(lines.get(0).matches("vmId\\s+samplesPerSecond\\s+workingSetPages.*"), lines.get(0));
            assertTrue(lines.stream().anyMatch(l -> l.startsWith(vm0 + " ")), table.out);

            Cli json = cli("mrc", "--vm", vm0, "--format", "json", viaApi);
            assertEquals(0, json.code, json.err);
            assertEquals(1000, JSON.readTree(json.out).get("workingSetPages").asLong());

            Cli csv = cli("heat", "--vm", vm0, "--coldest", "--limit", "3", "--format", "csv", viaApi);
            assertEquals(0, csv.code, csv.err);
            assertEquals(List.of("gfn,state,stateName,class", "0,0,frigid,cold", "1,0,frigid,cold", "2,0,frigid,cold"),
                    csv.out.lines().toList());
            Cli csvDirect = cli("heat", "--vm", vm0, "--coldest", "--limit", "3", "--format", "csv", direct);
            assertEquals(csv.out, csvDirect.out, "--direct reads the same heat from the topic");
            Cli mrcDirect = cli("mrc", "--vm", vm0, "--format", "json", direct);
            assertEquals(JSON.readTree(json.out), JSON.readTree(mrcDirect.out));
            Cli planCsv = cli("plan", "--host", host, "--format", "csv", viaApi);
            assertEquals(List.of("vmId,fastPages,demotions,promotions,deferredPages", vm0 + ",800,2,1,0"), planCsv.out.lines().toList());

            Cli unknown = cli("mrc", "--vm", "no-such-vm-" + run, viaApi);
            assertEquals(1, unknown.code);
            assertEquals(1, unknown.err.lines().count(), unknown.err);
            Cli usage = cli("heat", "--vm", vm0, "--coldest", "--hottest", viaApi);
            assertEquals(2, usage.code, usage.err);

            // Prometheus scrape: the project's meters and Kafka Streams' own. The running gauge reads the state at the
            // scrape, and a member of a two-instance group can be between a rebalance and RUNNING at any moment: scrape
            // until it is 1 (a gauge stuck at 0, or missing, still fails).
            Map<String, Double> samples = scrape(pa);
            long scrapeDeadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (!Double.valueOf(1.0).equals(samples.get("tierscope_query_streams_running{app=\"serve\"}"))
                    && System.nanoTime() < scrapeDeadline) {
                Thread.sleep(200);
                samples = scrape(pa);
            }
            assertTrue(samples.keySet().stream().anyMatch(k -> k.startsWith("tierscope_query_requests_seconds_count{")
                    && k.contains("route=\"/api/v1/vms/{vm}/mrc\"") && k.contains("status=\"200\"")),
                    samples.keySet().stream().filter(k -> k.startsWith("tierscope_")).toList().toString());
            assertTrue(samples.getOrDefault("tierscope_query_forwarded_total{app=\"serve\"}", 0.0) > 0, "A forwarded to B");
            assertEquals(1.0, samples.get("tierscope_query_streams_running{app=\"serve\"}"));
            assertTrue(samples.keySet().stream().anyMatch(k -> k.startsWith("kafka_stream_")), "KafkaStreamsMetrics bound");
        }
    }

    @Test
    void aServiceWhoseStoresAreNotReadyAnswers503WithRetryAfter(Platform platform, @TempDir Path dir) throws Exception {
        // Kafka Streams created but not started: exactly the state of an instance still joining or restoring.
        java.util.Properties p = new java.util.Properties();
        p.put("application.id", "query-it-unready-" + UUID.randomUUID());
        p.put("bootstrap.servers", platform.bootstrapServers());
        p.put("state.dir", dir.toString());
        p.put("application.server", "127.0.0.1:1");
        KafkaStreams streams = new KafkaStreams(QueryTopology.build(platform.schemaRegistryUrl(), Duration.ofHours(1)), p);
        try (QueryServer server = new QueryServer(new LocalStores(streams), new HostInfo("127.0.0.1", 1), "127.0.0.1", 0, null,
                Metrics.newRegistry("serve"), Duration.ofSeconds(2)).start()) {
            for (String path : List.of("/api/v1/vms", "/api/v1/vms/vm-1/mrc", "/api/v1/vms/vm-1/heat", "/api/v1/hosts/h/plan")) {
                HttpResponse<String> r = get(server.port(), path, null);
                assertEquals(503, r.statusCode(), path + ": " + r.body());
                assertEquals("2", r.headers().firstValue("Retry-After").orElse(null), path);
                assertEquals(503, JSON.readTree(r.body()).get("status").asInt());
                assertFalse(r.body().contains("InvalidStateStoreException"), r.body());
            }
            assertEquals(200, get(server.port(), "/api/v1/health", null).statusCode());
        } finally {
            streams.close(Duration.ofSeconds(5));
        }
    }

    private static Map<String, Double> scrape(int port) throws Exception {
        HttpResponse<String> scrape = get(port, "/metrics", TOKEN);
        assertEquals(200, scrape.statusCode());
        return PrometheusText.parse(scrape.body());
    }

    record Cli(int code, String out, String err) {
    }

    /** Runs {@code tierscope query <sub> args... common...} as the launcher does: usage errors 2, failures 1, one line. */
    static Cli cli(String sub, Object... args) {
        List<String> argv = new ArrayList<>();
        argv.add(sub);
        for (Object a : args) {
            if (a instanceof String[] many) {
                argv.addAll(List.of(many));
            } else {
                argv.add((String) a);
            }
        }
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cl = new picocli.CommandLine(new io.tierscope.query.cli.QueryCommand());
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("tierscope: " + ex.getMessage());
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, c, r) -> {
            c.getErr().println("tierscope: " + ex.getMessage());
            return ex instanceof IllegalArgumentException ? 2 : 1;
        });
        int code = cl.execute(argv.toArray(String[]::new));
        return new Cli(code, out.toString(), err.toString());
    }

    private static boolean historyComplete(int port, String vm) {
        try {
            return getJson(port, "/api/v1/vms/" + vm + "/mrc/history", TOKEN).size() == 3
                    && getJson(port, "/api/v1/vms/" + vm + "/heat", TOKEN).get("current").get("chunks").asInt() == 2;
        } catch (Exception | AssertionError e) {
            return false;
        }
    }

    /**
     * The instances that own the VMs' per-VM stores and the host's store now. The assignor balances tasks by
     * count, not per sub-topology, so one instance may own every per-VM task while the other owns the host's.
     */
    private static Set<HostInfo> activeOwners(QueryService service, List<String> vms, String host) {
        Set<HostInfo> owners = new HashSet<>();
        for (String vm : vms) {
            owners.add(service.streams().queryMetadataForKey(QueryTopology.MRC_LATEST, vm, Serdes.String().serializer()).activeHost());
        }
        owners.add(service.streams().queryMetadataForKey(QueryTopology.PLANS, host, Serdes.String().serializer()).activeHost());
        return owners;
    }

    static QueryService start(Platform platform, String app, Path dir, PrometheusMeterRegistry registry) throws Exception {
        return start(platform, app, dir, registry, List.of(io.tierscope.streams.StreamsRunner.DEFAULT_APPLICATION_ID));
    }

    static QueryService start(Platform platform, String app, Path dir, PrometheusMeterRegistry registry,
                              List<String> lagGroups) throws Exception {
        int port = Fixtures.freePort();
        return QueryService.start(new QueryService.Settings(platform.bootstrapServers(), platform.schemaRegistryUrl(), app, dir,
                "127.0.0.1", port, new HostInfo("127.0.0.1", port), TOKEN, Duration.ofDays(36500), 6, (short) 1,
                // Every instance counts as caught up, so the first rebalance balances the tasks instead of waiting
                // for a probing rebalance (10 min) to move warmed-up tasks to the second instance.
                Map.of("commit.interval.ms", "200", "consumer.session.timeout.ms", "10000",
                        "acceptable.recovery.lag", Long.toString(Long.MAX_VALUE))), registry, lagGroups);
    }

    /** VM ids whose default partitions cover 0..partitions-1, one each. */
    static List<String> vmsOnEveryPartition(String prefix, int partitions) {
        String[] byPartition = new String[partitions];
        int found = 0;
        for (int i = 0; found < partitions; i++) {
            String vm = prefix + i;
            int p = QueryTopology.partitionOf(vm, partitions);
            if (byPartition[p] == null) {
                byPartition[p] = vm;
                found++;
            }
        }
        return List.of(byPartition);
    }
}
