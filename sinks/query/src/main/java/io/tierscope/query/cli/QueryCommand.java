package io.tierscope.query.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tierscope.analytics.heat.ChunkHeat;
import io.tierscope.analytics.heat.HeatBit;
import io.tierscope.avro.HeatSummary;
import io.tierscope.avro.HostAllocation;
import io.tierscope.avro.IngestStats;
import io.tierscope.avro.MissRatioCurve;
import io.tierscope.avro.TieringPlan;
import io.tierscope.cli.ClusterOptions;
import io.tierscope.query.ApiException;
import io.tierscope.query.Json;
import io.tierscope.query.TopicSnapshot;
import io.tierscope.query.VmViews;
import io.tierscope.streams.heat.query.PageHeatReader;
import io.tierscope.topics.Topic;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code tierscope query ...}: the API's questions from a terminal, as a table, JSON or CSV. */
@Command(name = "query", mixinStandardHelpOptions = true,
        description = {"Ask the query service (--url) or, with --direct, the compacted topics themselves.",
                "Output: a table (default), --format json or --format csv."},
        subcommands = {QueryCommand.Vms.class, QueryCommand.Vm.class, QueryCommand.Mrc.class, QueryCommand.Heat.class,
                QueryCommand.Hosts.class, QueryCommand.Allocation.class, QueryCommand.Plan.class})
public final class QueryCommand implements Runnable {
    static final ObjectMapper MAPPER = new ObjectMapper();

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (vms, vm, mrc, heat, hosts, allocation, plan)");
    }

    /** Where answers come from and how they are printed: shared by every subcommand. */
    static final class Source {
        @Option(names = "--url", paramLabel = "URL", defaultValue = "${env:TIERSCOPE_QUERY_URL:-http://127.0.0.1:8090}",
                description = "Query service base URL (default: $TIERSCOPE_QUERY_URL or ${DEFAULT-VALUE}).")
        String url;

        @Option(names = "--token-env", paramLabel = "VAR", defaultValue = "TIERSCOPE_QUERY_TOKEN",
                description = "Environment variable holding the bearer token (default: ${DEFAULT-VALUE}).")
        String tokenEnv;

        @Option(names = "--token-file", paramLabel = "FILE",
                description = "File holding the bearer token (wins over --token-env).")
        java.nio.file.Path tokenFile;

        @Option(names = "--direct", description = "Read the topics to their end instead of asking the service (needs --bootstrap-servers / --schema-registry).")
        boolean direct;

        @Mixin
        ClusterOptions cluster;

        @Option(names = "--format", defaultValue = "table", description = "table, json or csv (default: ${DEFAULT-VALUE}).")
        Output.Format format;

        @Option(names = "--timeout-seconds", defaultValue = "30", description = "How long to wait for an answer (default: ${DEFAULT-VALUE}).")
        int timeoutSeconds;

        JsonNode get(String path) throws IOException, InterruptedException {
            String base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
            URI uri;
            try {
                uri = URI.create(base + "/api/v1" + path);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--url '" + url + "' is not a URL");
            }
            io.tierscope.cli.OptionRange.atLeast("--timeout-seconds", timeoutSeconds, 1);
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(timeoutSeconds));
            String token = tokenFile != null ? java.nio.file.Files.readString(tokenFile).trim() : System.getenv(tokenEnv);
            if (token != null && !token.isBlank()) {
                request.header("Authorization", "Bearer " + token);
            }
            HttpResponse<String> response;
            try {
                response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                        .send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                String why = e instanceof java.net.ConnectException ? "connection refused"
                        : e instanceof java.net.http.HttpTimeoutException ? "no answer within " + timeoutSeconds + " s"
                        : e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
                throw new IllegalStateException("no query service at " + base + " (" + why + "); start one with 'tierscope serve',"
                        + " check --url or $TIERSCOPE_QUERY_URL, or use --direct");
            }
            JsonNode body;
            try {
                body = MAPPER.readTree(response.body());
            } catch (IOException e) {
                throw new IllegalStateException(base + " answered " + response.statusCode() + " with something that is not JSON");
            }
            if (response.statusCode() == 503) {
                throw new IllegalStateException("the query service is not ready (" + body.path("error").asText()
                        + "); retry in " + response.headers().firstValue("Retry-After").orElse("a few") + " s");
            }
            if (response.statusCode() != 200) {
                throw new IllegalStateException(body.path("error").asText("HTTP " + response.statusCode()));
            }
            return body;
        }

        TopicSnapshot topics() {
            io.tierscope.cli.OptionRange.atLeast("--timeout-seconds", timeoutSeconds, 1);
            cluster.requireReachable();
            return new TopicSnapshot(cluster.security(), cluster.bootstrapServers(), cluster.schemaRegistryUrl(), Duration.ofSeconds(timeoutSeconds));
        }

        static String enc(String s) {
            return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
        }
    }

    abstract static class Sub implements Callable<Integer> {
        @Mixin
        Source source;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        /** The answer as the API gives it, and the path to its rows for table and CSV output. */
        abstract JsonNode answer() throws Exception;

        JsonNode rows(JsonNode answer) {
            return answer;
        }

        @Override
        public Integer call() throws Exception {
            JsonNode answer;
            try {
                answer = answer();
            } catch (ApiException e) {
                throw new IllegalStateException(e.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            Output.print(answer, rows(answer), source.format, out);
            out.flush();
            return 0;
        }
    }

    @Command(name = "vms", mixinStandardHelpOptions = true, description = "Every VM with its newest figures.")
    static final class Vms extends Sub {
        @Option(names = "--sort", defaultValue = "vm", description = "vm, working-set, gain, ingest or hot (default: ${DEFAULT-VALUE}).")
        String sort;

        @Option(names = "--limit", defaultValue = "1000000", description = "Top N.")
        int limit;

        @Override
        JsonNode answer() throws Exception {
            if (limit < 1) {
                throw new IllegalArgumentException("--limit must be >= 1, got " + limit);
            }
            if (!source.direct) {
                return source.get("/vms?sort=" + Source.enc(sort) + "&limit=" + limit);
            }
            TopicSnapshot topics = source.topics();
            Map<String, MissRatioCurve> curves = topics.latest(Topic.MRC_LATEST, MissRatioCurve.class, k -> true);
            Map<String, HeatSummary> heats = topics.latest(Topic.HEAT_SUMMARY, HeatSummary.class, k -> true);
            Map<String, IngestStats> ingests = topics.latest(Topic.INGEST_STATS, IngestStats.class, k -> true);
            TreeSet<String> vms = new TreeSet<>(curves.keySet());
            vms.addAll(heats.keySet());
            vms.addAll(ingests.keySet());
            List<Map<String, Object>> all = new ArrayList<>();
            for (String vm : vms) {
                all.add(VmViews.overview(vm, curves.get(vm), heats.get(vm), ingests.get(vm)));
            }
            return MAPPER.valueToTree(VmViews.sortFleet(all, sort, limit));
        }
    }

    @Command(name = "vm", mixinStandardHelpOptions = true, description = "One VM's newest figures.")
    static final class Vm extends Sub {
        @Option(names = "--vm", required = true, paramLabel = "ID")
        String vm;

        @Override
        JsonNode answer() throws Exception {
            if (!source.direct) {
                return source.get("/vms/" + Source.enc(vm));
            }
            TopicSnapshot topics = source.topics();
            MissRatioCurve curve = topics.latest(Topic.MRC_LATEST, MissRatioCurve.class, vm::equals).get(vm);
            HeatSummary heat = topics.latest(Topic.HEAT_SUMMARY, HeatSummary.class, vm::equals).get(vm);
            IngestStats ingest = topics.latest(Topic.INGEST_STATS, IngestStats.class, vm::equals).get(vm);
            if (curve == null && heat == null && ingest == null) {
                throw new IllegalStateException("no VM '" + vm + "'");
            }
            return MAPPER.valueToTree(VmViews.overview(vm, curve, heat, ingest));
        }

        @Override
        JsonNode rows(JsonNode answer) {
            return MAPPER.createArrayNode().add(answer);
        }
    }

    @Command(name = "mrc", mixinStandardHelpOptions = true,
            description = "A VM's newest miss-ratio curve (rows: cache size, miss ratio), or with --history its per-window curves.")
    static final class Mrc extends Sub {
        @Option(names = "--vm", required = true, paramLabel = "ID")
        String vm;

        @Option(names = "--history", description = "Per-window working set and references instead (service only).")
        boolean history;

        @Override
        JsonNode answer() throws Exception {
            if (history) {
                if (source.direct) {
                    throw new IllegalArgumentException("--history needs the query service (the history is its windowed store), not --direct");
                }
                return source.get("/vms/" + Source.enc(vm) + "/working-set");
            }
            if (!source.direct) {
                return source.get("/vms/" + Source.enc(vm) + "/mrc");
            }
            MissRatioCurve curve = source.topics().latest(Topic.MRC_LATEST, MissRatioCurve.class, vm::equals).get(vm);
            if (curve == null) {
                throw new IllegalStateException("no miss-ratio curve for VM '" + vm + "'");
            }
            return MAPPER.valueToTree(Json.of(curve));
        }

        @Override
        JsonNode rows(JsonNode answer) {
            return history ? answer : answer.get("points");
        }
    }

    @Command(name = "heat", mixinStandardHelpOptions = true,
            description = {"A VM's pages with their heat states.",
                    "--coldest or --hottest first (whole VM), or --hot / --cold pages in address order; "
                            + "without either, pages per heat state."})
    static final class Heat extends Sub {
        @Option(names = "--vm", required = true, paramLabel = "ID")
        String vm;

        @ArgGroup(exclusive = true)
        Selection selection;

        static final class Selection {
            @Option(names = "--coldest", description = "Coldest first (live-migration pre-copy order).")
            boolean coldest;
            @Option(names = "--hottest", description = "Hottest first (checkpoint-resume order).")
            boolean hottest;
            @Option(names = "--cold", description = "Cold pages, by address.")
            boolean cold;
            @Option(names = "--hot", description = "Hot pages, by address.")
            boolean hot;
        }

        @Option(names = "--limit", defaultValue = "100", description = "Pages to list (default: ${DEFAULT-VALUE}).")
        int limit;

        @Option(names = "--offset", defaultValue = "0", description = "Pages to skip (default: ${DEFAULT-VALUE}).")
        int offset;

        @Option(names = "--bit", defaultValue = "accessed", description = "accessed or dirty (default: ${DEFAULT-VALUE}).")
        String bit;

        @Override
        JsonNode answer() throws Exception {
            if (!"accessed".equals(bit) && !"dirty".equals(bit)) {
                throw new IllegalArgumentException("--bit must be accessed or dirty, got '" + bit + "'");
            }
            io.tierscope.cli.OptionRange.atLeast("--limit", limit, 1);
            io.tierscope.cli.OptionRange.atLeast("--offset", offset, 0);
            if (selection == null) {
                if (source.direct) {
                    throw new IllegalArgumentException("pages per state needs the query service; with --direct pick --coldest, --hottest, --hot or --cold");
                }
                return source.get("/vms/" + Source.enc(vm) + "/heat");
            }
            String order = selection.coldest ? "coldest" : selection.hottest ? "hottest" : "gfn";
            String set = selection.hot ? "hot" : selection.cold ? "cold" : "all";
            if (!source.direct) {
                return source.get("/vms/" + Source.enc(vm) + "/pages?order=" + order + "&set=" + set + "&bit=" + bit
                        + "&offset=" + offset + "&limit=" + limit);
            }
            io.tierscope.cli.OptionRange.atLeast("--timeout-seconds", source.timeoutSeconds, 1);
            source.cluster.requireReachable();
            List<ChunkHeat> chunks = new PageHeatReader(source.cluster.security(), source.cluster.bootstrapServers(), source.cluster.schemaRegistryUrl())
                    .chunks(vm, Duration.ofSeconds(source.timeoutSeconds));
            return MAPPER.valueToTree(VmViews.pages(vm, chunks, order, set,
                    "dirty".equals(bit) ? HeatBit.DIRTY : HeatBit.ACCESSED, offset, limit));
        }

        @Override
        JsonNode rows(JsonNode answer) {
            if (answer.has("pages")) {
                return answer.get("pages");
            }
            ArrayNode rows = MAPPER.createArrayNode();
            JsonNode current = answer.path("current");
            for (int s = 0; s < current.path("pagesPerState").size(); s++) {
                ObjectNode row = rows.addObject();
                row.put("state", current.path("stateNames").path(s).asText());
                row.put("pages", current.path("pagesPerState").path(s).asLong());
            }
            return rows;
        }
    }

    @Command(name = "hosts", mixinStandardHelpOptions = true, description = "Every host with its newest allocation and plan.")
    static final class Hosts extends Sub {
        @Override
        JsonNode answer() throws Exception {
            if (!source.direct) {
                return source.get("/hosts");
            }
            TopicSnapshot topics = source.topics();
            Map<String, HostAllocation> allocations = topics.latest(Topic.ALLOCATIONS, HostAllocation.class, k -> true);
            Map<String, TieringPlan> plans = topics.latest(Topic.TIERING_PLANS, TieringPlan.class, k -> true);
            TreeSet<String> hosts = new TreeSet<>(allocations.keySet());
            hosts.addAll(plans.keySet());
            ArrayNode out = MAPPER.createArrayNode();
            for (String host : hosts) {
                ObjectNode h = out.addObject();
                h.put("host", host);
                h.set("allocation", allocations.containsKey(host) ? MAPPER.valueToTree(Json.of(allocations.get(host))) : null);
                h.set("plan", plans.containsKey(host) ? MAPPER.valueToTree(Json.of(plans.get(host))) : null);
            }
            return out;
        }

        @Override
        JsonNode rows(JsonNode answer) {
            ArrayNode rows = MAPPER.createArrayNode();
            for (JsonNode h : answer) {
                ObjectNode row = rows.addObject();
                row.put("host", h.get("host").asText());
                JsonNode a = h.path("allocation");
                JsonNode p = h.path("plan");
                row.put("fastCapacityPages", a.path("fastCapacityPages").asLong());
                row.put("vms", a.path("vms").size());
                row.put("planId", p.path("planId").asText(""));
                long demote = 0;
                long promote = 0;
                for (JsonNode v : p.path("vms")) {
                    demote += v.path("demote").size();
                    promote += v.path("promote").size();
                }
                row.put("demotions", demote);
                row.put("promotions", promote);
            }
            return rows;
        }
    }

    @Command(name = "allocation", mixinStandardHelpOptions = true, description = "A host's newest fast-memory split (rows: VMs).")
    static final class Allocation extends Sub {
        @Option(names = "--host", required = true)
        String host;

        @Override
        JsonNode answer() throws Exception {
            if (!source.direct) {
                return source.get("/hosts/" + Source.enc(host) + "/allocation");
            }
            HostAllocation a = source.topics().latest(Topic.ALLOCATIONS, HostAllocation.class, host::equals).get(host);
            if (a == null) {
                throw new IllegalStateException("no allocation for host '" + host + "'");
            }
            return MAPPER.valueToTree(Json.of(a));
        }

        @Override
        JsonNode rows(JsonNode answer) {
            return answer.get("vms");
        }
    }

    @Command(name = "plan", mixinStandardHelpOptions = true, description = "A host's newest tiering plan (rows: VMs with their moves).")
    static final class Plan extends Sub {
        @Option(names = "--host", required = true)
        String host;

        @Override
        JsonNode answer() throws Exception {
            if (!source.direct) {
                return source.get("/hosts/" + Source.enc(host) + "/plan");
            }
            TieringPlan p = source.topics().latest(Topic.TIERING_PLANS, TieringPlan.class, host::equals).get(host);
            if (p == null) {
                throw new IllegalStateException("no tiering plan for host '" + host + "'");
            }
            return MAPPER.valueToTree(Json.of(p));
        }

        @Override
        JsonNode rows(JsonNode answer) {
            ArrayNode rows = MAPPER.createArrayNode();
            for (JsonNode v : answer.path("vms")) {
                ObjectNode row = rows.addObject();
                row.put("vmId", v.path("vmId").asText());
                row.put("fastPages", v.path("fastPages").asLong());
                row.put("demotions", v.path("demote").size());
                row.put("promotions", v.path("promote").size());
                row.put("deferredPages", v.path("deferredPages").asLong());
            }
            return rows;
        }
    }
}
