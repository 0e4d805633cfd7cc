package io.tierscope.query;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tierscope.avro.CurveKind;
import io.tierscope.avro.HeatSummary;
import io.tierscope.avro.HostAllocation;
import io.tierscope.avro.IngestStats;
import io.tierscope.avro.MissRatioCurve;
import io.tierscope.avro.MrcPoint;
import io.tierscope.avro.PageHeatChunk;
import io.tierscope.avro.TieringPlan;
import io.tierscope.avro.VmAllocation;
import io.tierscope.avro.VmPlan;
import io.tierscope.platform.Platform;
import io.tierscope.schemas.serde.SchemaRegistryClient;
import io.tierscope.schemas.serde.SpecificAvroSerializer;
import io.tierscope.topics.Topic;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/** Test data as the Tierscope topology and the planner publish it, and HTTP helpers. */
final class Fixtures {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Ten minutes ago, on a window boundary: records older than the topics' retention would be deleted under the test. */
    static final long T0 = (System.currentTimeMillis() - 600_000) / 10_000 * 10_000;
    static final long WINDOW = 10_000;
    static final int CHUNK_PAGES = 512;

    private Fixtures() {
    }

    /** A curve falling from 1 to a floor of 0.05 at {@code ws} pages, the given kind and window. */
    static MissRatioCurve curve(String vm, CurveKind kind, long start, long ws) {
        List<MrcPoint> points = new ArrayList<>();
        for (long size = 1; size <= 4 * ws; size *= 2) {
            double mr = size >= ws ? 0.05 : 1.0 - 0.95 * Math.log(size) / Math.log(ws);
            points.add(new MrcPoint(size, size * 4096, mr));
        }
        return MissRatioCurve.newBuilder().setVmId(vm).setKind(kind).setWindowStartMs(start).setWindowEndMs(start + WINDOW)
                .setAccessFilter("xwr").setPageSizeBytes(4096).setSamplingRate(1.0).setSampledPages(ws).setReferences(100_000)
                .setColdMisses(5_000).setPoints(points).setWorkingSetPages(ws).setLateBatches(0).build();
    }

    /** Chunk {@code index} of a VM: page p is in state (p / 8 + shift) % 5 (fsm5 codes). */
    static PageHeatChunk chunk(String vm, long index, long shift, long timeMs) {
        byte[] states = new byte[CHUNK_PAGES];
        for (int p = 0; p < states.length; p++) {
            states[p] = (byte) ((p / 8 + shift) % 5);
        }
        return PageHeatChunk.newBuilder().setVmId(vm).setChunkIndex(index).setBaseGfn(index * CHUNK_PAGES)
                .setPageCount(CHUNK_PAGES).setLastScanSeq(timeMs / 1000).setTimeMs(timeMs).setClassifier("fsm5")
                .setAccessStates(ByteBuffer.wrap(states)).setWriteStates(null).build();
    }

    static HeatSummary summary(String vm, long start) {
        return HeatSummary.newBuilder().setVmId(vm).setWindowStartMs(start).setWindowEndMs(start + WINDOW).setClassifier("fsm5")
                .setPagesPerState(Map.of("frigid", 205L, "sizzle", 204L)).setHotPages(409).setColdPages(205)
                .setTouchedPages(600).setWrittenPages(150).setHottestGfns(List.of(3L, 4L)).setScansApplied(10)
                .setDuplicateScans(0).setLateScans(0).setMissedPeriods(0).build();
    }

    static IngestStats ingest(String vm, long start, long samples) {
        return IngestStats.newBuilder().setVmId(vm).setWindowStartMs(start).setWindowEndMs(start + WINDOW).setBatches(10)
                .setSamples(samples).setDroppedAtSource(0).setLateBatches(0).build();
    }

    static HostAllocation allocation(String host, List<String> vms) {
        List<VmAllocation> list = new ArrayList<>();
        for (String vm : vms) {
            list.add(VmAllocation.newBuilder().setVmId(vm).setShares(1000).setReservationPages(0).setLimitPages(1 << 20)
                    .setReferencesPerSec(10_000).setWorkingSetPages(1000).setPreviousFastPages(500).setFastPages(800)
                    .setMissRatioBefore(0.3).setMissRatioAfter(0.1).build());
        }
        return HostAllocation.newBuilder().setHost(host).setPlanId(host + "#" + T0).setPeriodStartMs(T0)
                .setFastCapacityPages(800L * vms.size()).setVms(list).build();
    }

    static TieringPlan plan(String host, String vm) {
        return TieringPlan.newBuilder().setPlanId(host + "#" + T0).setHost(host).setPeriodStartMs(T0).setFastNode(0).setSlowNode(1)
                .setMigrationBudgetPages(1000).setVms(List.of(VmPlan.newBuilder().setVmId(vm).setPid(0).setFastPages(800)
                        .setDemote(List.of(10L, 11L)).setPromote(List.of(3L)).setDeferredPages(0).build())).build();
    }

    /** Publishes everything about {@code vms} (3 windows each) and one host. */
    static void publish(Platform platform, List<String> vms, String host) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
        SchemaRegistryClient registry = new SchemaRegistryClient(platform.schemaRegistryUrl(), 10_000);
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(p, new StringSerializer(),
                new SpecificAvroSerializer<>(registry, true))) {
            for (int i = 0; i < vms.size(); i++) {
                String vm = vms.get(i);
                long ws = 1000L * (i + 1);
                for (int w = 0; w < 3; w++) {
                    long start = T0 + w * WINDOW;
                    send(producer, Topic.MRC_HISTORY, vm, curve(vm, CurveKind.WINDOW, start, ws + w * 100), start + WINDOW - 1);
                    send(producer, Topic.MRC_HISTORY, vm, curve(vm, CurveKind.CUMULATIVE, T0, ws), start + WINDOW - 1);
                    for (long c = 0; c < 2; c++) {
                        send(producer, Topic.PAGE_HEAT, vm + "#" + c, chunk(vm, c, c + w + 1, start + WINDOW - 1), start + WINDOW - 1);
                    }
                }
                send(producer, Topic.MRC_LATEST, vm, curve(vm, CurveKind.CUMULATIVE, T0, ws), T0 + 3 * WINDOW - 1);
                for (long c = 0; c < 2; c++) {
                    send(producer, Topic.PAGE_HEAT, vm + "#" + c, chunk(vm, c, c, T0 + 3 * WINDOW), T0 + 3 * WINDOW);
                }
                send(producer, Topic.HEAT_SUMMARY, vm, summary(vm, T0 + 2 * WINDOW), T0 + 3 * WINDOW - 1);
                send(producer, Topic.INGEST_STATS, vm, ingest(vm, T0 + 2 * WINDOW, 1000L * (vms.size() - i)), T0 + 3 * WINDOW - 1);
            }
            send(producer, Topic.ALLOCATIONS, host, allocation(host, vms), T0);
            send(producer, Topic.TIERING_PLANS, host, plan(host, vms.get(0)), T0);
            producer.flush();
        }
    }

    private static void send(KafkaProducer<String, SpecificRecord> producer, Topic topic, String key, SpecificRecord value, long ts) {
        producer.send(new ProducerRecord<>(topic.topicName(), null, ts, key, value));
    }

    static HttpResponse<String> get(int port, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode getJson(int port, String path, String token) throws Exception {
        HttpResponse<String> r = get(port, path, token);
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + path + " -> " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    static void await(String what, Duration limit, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(250);
        }
    }

    static boolean ok(int port, String path, String token) {
        try {
            return get(port, path, token).statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
