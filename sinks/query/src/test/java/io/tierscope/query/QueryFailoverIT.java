package io.tierscope.query;

import static io.tierscope.query.Fixtures.await;
import static io.tierscope.query.Fixtures.get;
import static io.tierscope.query.Fixtures.getJson;
import static io.tierscope.query.Fixtures.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.metrics.Metrics;
import io.tierscope.platform.Platform;
import io.tierscope.platform.testing.PlatformExtension;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fail-over of the query service: two {@code serve} instances share the VMs; one stops without leaving the group
 * (to the group, a crash). Until its VMs (or the host's plans) have moved, the survivor answers for them with 503 and Retry-After, never
 * an error or a wrong answer; then it answers for every VM itself. The gap is printed.
 */
@ExtendWith(PlatformExtension.class)
class QueryFailoverIT {
    private static final String TOKEN = "it-secret";

    @Test
    void whenAnInstanceFailsTheOtherAnswersForItsVms(Platform platform, @TempDir Path dirA, @TempDir Path dirB) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<String> vms = QueryServiceIT.vmsOnEveryPartition("fo-" + run + "-vm", 6);
        String host = "fo-" + run + "-host";
        Fixtures.publish(platform, vms, host);
        String app = "query-failover-" + run;
        try (QueryService a = QueryServiceIT.start(platform, app, dirA, Metrics.newRegistry("serve"))) {
            QueryService b = QueryServiceIT.start(platform, app, dirB, Metrics.newRegistry("serve"));
            List<String> ofB = new ArrayList<>(); // the API paths B answers from its own stores
            try {
                await("both instances RUNNING, each owning VMs", Duration.ofMinutes(3), () ->
                        a.streams().state() == KafkaStreams.State.RUNNING && b.streams().state() == KafkaStreams.State.RUNNING
                                && owners(a, vms, host).size() == 2);
                for (String vm : vms) {
                    await(vm + " materialised", Duration.ofMinutes(2), () -> ok(a.port(), "/api/v1/vms/" + vm + "/mrc", TOKEN)
                            && ok(a.port(), "/api/v1/vms/" + vm + "/heat", TOKEN));
                }
                await("host materialised", Duration.ofMinutes(1), () -> ok(a.port(), "/api/v1/hosts/" + host + "/plan", TOKEN));
                HostInfo hostB = new HostInfo("127.0.0.1", b.port());
                for (String vm : vms) {
                    if (a.streams().queryMetadataForKey(QueryTopology.MRC_LATEST, vm, Serdes.String().serializer())
                            .activeHost().equals(hostB)) {
                        ofB.add("/api/v1/vms/" + vm + "/mrc");
                    }
                }
                // The assignor balances tasks by count: B may own the host's store rather than VMs'.
                if (a.streams().queryMetadataForKey(QueryTopology.PLANS, host, Serdes.String().serializer()).activeHost().equals(hostB)) {
                    ofB.add("/api/v1/hosts/" + host + "/plan");
                }
                assertFalse(ofB.isEmpty(), "B owns some keys");
            } finally {
                // B fails: its stream threads stop without leaving the group, its HTTP server goes away.
                b.streams().close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP)
                        .withTimeout(Duration.ofSeconds(30)));
                b.close();
            }
            long failed = System.nanoTime();
            long unavailable = 0;
            long deadline = failed + Duration.ofMinutes(2).toNanos();
            List<String> pending = new ArrayList<>(ofB);
            while (!pending.isEmpty()) {
                assertTrue(System.nanoTime() < deadline, "A did not take over " + pending + " within 2 minutes");
                String path = pending.get(0);
                HttpResponse<String> r = get(a.port(), path, TOKEN);
                if (r.statusCode() == 200) {
                    pending.remove(0);
                } else {
                    // Meanwhile: "not here yet, ask again", never a server error or somebody else's data.
                    assertEquals(503, r.statusCode(), path + ": " + r.body());
                    assertTrue(r.headers().firstValue("Retry-After").isPresent(), path + ": Retry-After");
                    unavailable++;
                    Thread.sleep(100);
                }
            }
            long gapMs = (System.nanoTime() - failed) / 1_000_000;
            for (int i = 0; i < vms.size(); i++) {
                String vm = vms.get(i);
                assertEquals(1000L * (i + 1), getJson(a.port(), "/api/v1/vms/" + vm + "/mrc", TOKEN).get("workingSetPages").asLong(), vm);
                assertTrue(ok(a.port(), "/api/v1/vms/" + vm + "/heat", TOKEN), vm + " heat");
            }
            assertTrue(ok(a.port(), "/api/v1/hosts/" + host + "/plan", TOKEN), "host plan");
            System.out.printf("query fail-over: %s moved to the survivor in %d ms (%d answers 503 meanwhile)%n",
                    ofB, gapMs, unavailable);
        }
    }

    /** The instances owning the VMs' stores and the host's now. */
    private static java.util.Set<HostInfo> owners(QueryService service, List<String> vms, String host) {
        java.util.Set<HostInfo> owners = new java.util.HashSet<>();
        for (String vm : vms) {
            owners.add(service.streams().queryMetadataForKey(QueryTopology.MRC_LATEST, vm, Serdes.String().serializer()).activeHost());
        }
        owners.add(service.streams().queryMetadataForKey(QueryTopology.PLANS, host, Serdes.String().serializer()).activeHost());
        return owners;
    }
}
