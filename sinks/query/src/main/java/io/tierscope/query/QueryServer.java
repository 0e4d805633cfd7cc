package io.tierscope.query;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.staticfiles.Location;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tierscope.analytics.heat.HeatBit;
import io.tierscope.avro.HostAllocation;
import io.tierscope.avro.TieringPlan;
import io.tierscope.metrics.Metrics;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of the query service: JSON API under /api/v1, the dashboard at /, Prometheus
 * metrics at /metrics. A per-VM (per-host) request is answered by the instance that owns the VM's
 * (host's) partition: any other instance forwards it there, once; fleet requests gather every
 * instance's local part.
 */
public final class QueryServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(QueryServer.class);
    /** Set on a forwarded request: its receiver answers from its own stores or says 503, never forwards again. */
    static final String FORWARDED = "X-Tierscope-Forwarded";
    static final String API = "/api/v1";

    private final LocalStores stores;
    private final VmViews views;
    private final HostInfo self;
    private final String token;
    private final Duration retryAfter;
    private final PrometheusMeterRegistry registry;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final ObjectMapper mapper = new ObjectMapper();
    private final Counter forwarded;
    private final Counter unavailable;
    private final PipelineLag lag;
    private final Javalin app;

    /** A server that shows no pipeline lag. */
    public QueryServer(LocalStores stores, HostInfo self, String bindHost, int port, String token,
                       PrometheusMeterRegistry registry, Duration retryAfter) {
        this(stores, self, bindHost, port, token, registry, retryAfter, null);
    }

    /**
     * @param self  this instance's {@code application.server} (how the others reach it)
     * @param token bearer token every /api and /metrics request must carry; null or blank: none
     * @param lag   the pipeline's consumer-group lag for /api/v1/lag and the dashboard, refreshed in the background
     *              from {@link #start} to {@link #close}; null: none
     */
    public QueryServer(LocalStores stores, HostInfo self, String bindHost, int port, String token,
                       PrometheusMeterRegistry registry, Duration retryAfter, PipelineLag lag) {
        this.stores = stores;
        this.lag = lag;
        this.views = new VmViews(stores);
        this.self = self;
        this.token = token == null || token.isBlank() ? null : token;
        this.retryAfter = retryAfter;
        this.registry = registry;
        this.forwarded = Counter.builder("tierscope.query.forwarded").description("API requests forwarded to the owning instance")
                .register(registry);
        this.unavailable = Counter.builder("tierscope.query.unavailable")
                .description("API requests answered 503: store restoring or rebalancing, owner unknown or unreachable")
                .register(registry);
        KafkaStreams streams = stores.streams();
        Gauge.builder("tierscope.query.streams.running", streams, s -> s.state() == KafkaStreams.State.RUNNING ? 1 : 0)
                .description("1 when the query service's Kafka Streams instance is RUNNING").register(registry);
        if (lag != null) {
            for (String group : lag.groups()) {
                Gauge.builder("tierscope.query.pipeline.lag", lag, l -> {
                            long records = l.currentLagOf(group);
                            return records < 0 ? Double.NaN : records;
                        }).description("Records the pipeline's consumer group has yet to read (read_committed end - committed);"
                                + " NaN while unknown or stale")
                        .tag("group", group).register(registry);
                Gauge.builder("tierscope.query.pipeline.lag.age", lag, l -> {
                            long ms = l.ageMsOf(group);
                            return ms < 0 ? Double.NaN : ms / 1000.0;
                        }).description("Age of the group's last successful lag read; NaN before the first")
                        .baseUnit("seconds").tag("group", group).register(registry);
            }
        }
        this.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jetty.host = bindHost;
            config.jetty.port = port;
            config.staticFiles.enableWebjars();
            config.staticFiles.add(files -> {
                files.hostedPath = "/";
                files.directory = "/io/tierscope/query/dashboard";
                files.location = Location.CLASSPATH;
            });
            routes(config);
        });
    }

    /** Starts serving, and the pipeline lag's background refresh. */
    public QueryServer start() {
        app.start();
        if (lag != null) {
            lag.start();
        }
        LOG.info("query service listening on port {} (application.server {}:{})", app.port(), self.host(), self.port());
        return this;
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
        if (lag != null) {
            lag.close();
        }
    }

    private void routes(io.javalin.config.JavalinConfig config) {
        var r = config.routes;
        r.before(ctx -> ctx.attribute("startNanos", System.nanoTime()));
        r.before(API + "/*", this::authorize);
        r.before("/metrics", this::authorize);
        r.after(ctx -> {
            Long start = ctx.attribute("startNanos");
            io.javalin.router.Endpoint matched = ctx.endpoints().lastHttpEndpoint();
            String route = matched == null ? "unmatched" : matched.path;
            if (start != null && (route.startsWith(API) || route.equals("/metrics"))) {
                Timer.builder("tierscope.query.requests").description("API requests by route and status")
                        .tag("route", route).tag("status", Integer.toString(ctx.statusCode()))
                        .register(registry).record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
            }
        });

        r.get("/metrics", ctx -> ctx.contentType(Metrics.CONTENT_TYPE).result(Metrics.scrape(registry)));
        r.get(API + "/openapi.json", ctx -> ctx.contentType("application/json").result(resource("openapi.json")));
        r.get(API + "/health", ctx -> {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("state", stores.streams().state().name());
            o.put("instance", self.host() + ":" + self.port());
            ctx.json(o);
        });

        r.get(API + "/vms", ctx -> ctx.json(fleet(ctx)));
        r.get(API + "/lag", ctx -> ctx.json(Map.of("groups", lag == null ? List.of() : lag.snapshot())));
        r.get(API + "/vms/{vm}", ctx -> byVm(ctx, p -> views.overview(vm(ctx), p)));
        r.get(API + "/vms/{vm}/mrc", ctx -> byVm(ctx, p -> views.latestCurve(vm(ctx), p)));
        r.get(API + "/vms/{vm}/mrc/history", ctx -> byVm(ctx, p -> views.curveHistory(vm(ctx), from(ctx), to(ctx), p)));
        r.get(API + "/vms/{vm}/working-set", ctx -> byVm(ctx, p -> views.workingSet(vm(ctx), from(ctx), to(ctx), p)));
        r.get(API + "/vms/{vm}/heat", ctx -> byVm(ctx, p -> views.heat(vm(ctx), p)));
        r.get(API + "/vms/{vm}/heatmap", ctx -> byVm(ctx, p -> views.heatmap(vm(ctx), from(ctx), to(ctx),
                intParam(ctx, "rows", 64), intParam(ctx, "cols", 60), p)));
        r.get(API + "/vms/{vm}/pages", ctx -> byVm(ctx, p -> views.pages(vm(ctx), param(ctx, "order", "gfn"),
                param(ctx, "set", "all"), bit(ctx), intParam(ctx, "offset", 0), intParam(ctx, "limit", 100), p)));

        r.get(API + "/hosts", ctx -> ctx.json(hosts(ctx)));
        r.get(API + "/hosts/{host}/allocation", ctx -> byHost(ctx, p -> Json.of(stores.<HostAllocation>get(
                QueryTopology.ALLOCATIONS, ctx.pathParam("host"), p).orElseThrow(
                () -> ApiException.notFound("no allocation for host '" + ctx.pathParam("host") + "'")))));
        r.get(API + "/hosts/{host}/plan", ctx -> byHost(ctx, p -> Json.of(stores.<TieringPlan>get(
                QueryTopology.PLANS, ctx.pathParam("host"), p).orElseThrow(
                () -> ApiException.notFound("no tiering plan for host '" + ctx.pathParam("host") + "'")))));

        r.exception(StoreUnavailableException.class, (e, ctx) -> {
            unavailable.increment();
            ctx.header("Retry-After", Long.toString(Math.max(1, retryAfter.toSeconds())));
            error(ctx, 503, e.getMessage());
        });
        r.exception(ApiException.class, (e, ctx) -> error(ctx, e.status(), e.getMessage()));
        r.exception(Exception.class, (e, ctx) -> {
            LOG.error("API request {} failed", ctx.path(), e);
            error(ctx, 500, e.getClass().getSimpleName() + ": " + e.getMessage());
        });
        r.error(404, "*", ctx -> {
            if (ctx.result() == null || ctx.result().isEmpty() || !ctx.result().startsWith("{")) {
                error(ctx, 404, "no such resource: " + ctx.path() + " (see " + API + "/openapi.json)");
            }
        });
    }

    private void authorize(Context ctx) {
        if (token != null && !("Bearer " + token).equals(ctx.header("Authorization"))) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ApiException(401, "missing or wrong bearer token");
        }
    }

    private static void error(Context ctx, int status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("error", message == null ? "" : message);
        ctx.status(status).json(body);
    }

    /** Answers from the owner of the VM's partition: here, or forwarded there. */
    private void byVm(Context ctx, IntFunction<Object> local) {
        routed(ctx, QueryTopology.MRC_LATEST, vm(ctx), local);
    }

    private void byHost(Context ctx, IntFunction<Object> local) {
        routed(ctx, QueryTopology.ALLOCATIONS, ctx.pathParam("host"), local);
    }

    private void routed(Context ctx, String store, String key, IntFunction<Object> local) {
        KeyQueryMetadata owner = stores.ownerOf(store, key);
        if (owner.activeHost().equals(self)) {
            ctx.json(local.apply(owner.partition()));
            return;
        }
        if (ctx.header(FORWARDED) != null) {
            throw new StoreUnavailableException("'" + key + "' moved to " + owner.activeHost() + " while the request was forwarded");
        }
        forwarded.increment();
        HttpResponse<String> response = get(owner.activeHost(), ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString()));
        response.headers().firstValue("Retry-After").ifPresent(v -> ctx.header("Retry-After", v));
        ctx.status(response.statusCode()).contentType("application/json").result(response.body());
    }

    /** This instance's VMs, plus every other instance's (scope=local asks for this instance's only). */
    private List<Map<String, Object>> fleet(Context ctx) {
        List<Map<String, Object>> all = new ArrayList<>(views.localOverviews());
        if (!"local".equals(ctx.queryParam("scope"))) {
            for (HostInfo other : others()) {
                all.addAll(parse(get(other, API + "/vms?scope=local"), other));
            }
        }
        return VmViews.sortFleet(all, param(ctx, "sort", "vm"), intParam(ctx, "limit", Integer.MAX_VALUE));
    }

    /** Every host with its newest allocation and plan (either may be missing). */
    private List<Map<String, Object>> hosts(Context ctx) {
        List<Map<String, Object>> all = new ArrayList<>();
        Map<String, Map<String, Object>> byHost = new TreeMap<>();
        for (KeyValue<String, HostAllocation> kv : stores.<HostAllocation>all(QueryTopology.ALLOCATIONS)) {
            byHost.computeIfAbsent(kv.key, QueryServer::hostEntry).put("allocation", Json.of(kv.value));
        }
        for (KeyValue<String, TieringPlan> kv : stores.<TieringPlan>all(QueryTopology.PLANS)) {
            byHost.computeIfAbsent(kv.key, QueryServer::hostEntry).put("plan", Json.of(kv.value));
        }
        all.addAll(byHost.values());
        if (!"local".equals(ctx.queryParam("scope"))) {
            for (HostInfo other : others()) {
                all.addAll(parse(get(other, API + "/hosts?scope=local"), other));
            }
        }
        all.sort(Comparator.comparing(m -> (String) m.get("host")));
        return all;
    }

    private static Map<String, Object> hostEntry(String host) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("host", host);
        m.put("allocation", null);
        m.put("plan", null);
        return m;
    }

    private List<HostInfo> others() {
        KafkaStreams streams = stores.streams();
        if (streams.state() != KafkaStreams.State.RUNNING) {
            throw new StoreUnavailableException("the query service is " + streams.state() + "; fleet answers need every instance");
        }
        List<HostInfo> out = new ArrayList<>();
        for (StreamsMetadata m : streams.metadataForAllStreamsClients()) {
            if (!m.hostInfo().equals(self)) {
                out.add(m.hostInfo());
            }
        }
        return out;
    }

    private HttpResponse<String> get(HostInfo host, String pathAndQuery) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + host.host() + ":" + host.port() + pathAndQuery))
                .timeout(Duration.ofSeconds(10)).header(FORWARDED, "1");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new StoreUnavailableException("instance " + host + " does not answer: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while asking " + host, e);
        }
    }

    private List<Map<String, Object>> parse(HttpResponse<String> response, HostInfo from) {
        if (response.statusCode() == 503) {
            throw new StoreUnavailableException("instance " + from + " is not ready: " + response.body());
        }
        if (response.statusCode() != 200) {
            throw new IllegalStateException("instance " + from + " answered " + response.statusCode() + ": " + response.body());
        }
        try {
            return mapper.readValue(response.body(), new TypeReference<>() { });
        } catch (IOException e) {
            throw new IllegalStateException("instance " + from + " sent unreadable JSON: " + e.getMessage(), e);
        }
    }

    private static String vm(Context ctx) {
        return ctx.pathParam("vm");
    }

    private static String param(Context ctx, String name, String fallback) {
        String v = ctx.queryParam(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    private static int intParam(Context ctx, String name, int fallback) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + " must be an integer, got '" + v + "'");
        }
    }

    private static HeatBit bit(Context ctx) {
        return switch (param(ctx, "bit", "accessed")) {
            case "accessed" -> HeatBit.ACCESSED;
            case "dirty" -> HeatBit.DIRTY;
            default -> throw ApiException.badRequest("bit must be accessed or dirty");
        };
    }

    /** from/to: epoch milliseconds; default everything the stores retain. */
    private static Instant to(Context ctx) {
        return instant(ctx, "to", Instant.now().plus(Duration.ofDays(1)));
    }

    private static Instant from(Context ctx) {
        return instant(ctx, "from", Instant.EPOCH);
    }

    private static Instant instant(Context ctx, String name, Instant fallback) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) {
            return fallback;
        }
        try {
            return Instant.ofEpochMilli(Long.parseLong(v.trim()));
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + " must be epoch milliseconds, got '" + v + "'");
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = QueryServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource " + name + " is missing from the jar");
            }
            return in.readAllBytes();
        }
    }
}
