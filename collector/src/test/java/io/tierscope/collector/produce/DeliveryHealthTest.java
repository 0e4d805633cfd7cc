package io.tierscope.collector.produce;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.schemas.serde.SchemaRegistryException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/** The delivery state on a manual clock: when an outage starts, what it reports, when it ends. */
class DeliveryHealthTest {
    private final AtomicLong nanos = new AtomicLong(1_000);
    private final AtomicLong pending = new AtomicLong();
    private final List<String> reports = new ArrayList<>();
    private final DeliveryHealth health = new DeliveryHealth("kafka-1:9092", "http://reg:8080", pending::get, nanos::get,
            reports::add);

    private void advanceSeconds(long s) {
        nanos.addAndGet(TimeUnit.SECONDS.toNanos(s));
    }

    @Test
    void recordsWaitingTenSecondsWithoutAnAcknowledgementAreABrokerOutageUntilOneArrives() {
        pending.set(4096);
        advanceSeconds(9);
        health.check();
        assertTrue(health.status().ok(), "a short stall is load, not an outage");
        assertTrue(reports.isEmpty());
        advanceSeconds(1);
        health.brokerError(new TimeoutException("Expiring 3 record(s)"));
        assertEquals(DeliveryHealth.State.BROKER_UNREACHABLE, health.status().state());
        assertEquals(10_000, health.status().outageMs());
        assertEquals(1, reports.size());
        assertTrue(reports.get(0).startsWith("no acknowledgement from Kafka at kafka-1:9092 for 10 s (0.0 MB waiting"),
                reports.get(0));
        assertTrue(reports.get(0).endsWith("retrying (the brokers are set by --bootstrap-servers or KAFKA_BOOTSTRAP_SERVERS)"));
        advanceSeconds(5);
        health.check();
        assertEquals(1, reports.size(), "reported again only when the outage doubled");
        advanceSeconds(5);
        health.check();
        assertEquals(2, reports.size());

        health.acknowledged();
        DeliveryHealth.Status after = health.status();
        assertTrue(after.ok());
        assertEquals(20_000, after.longestBrokerOutageMs(), "the outage is remembered for the final line");
        assertEquals("Kafka at kafka-1:9092 acknowledges again after 20 s", reports.get(2));
    }

    @Test
    void nothingWaitingIsNoOutageHoweverLongItIsQuiet() {
        advanceSeconds(600);
        health.check();
        assertTrue(health.status().ok());
        assertEquals(0, health.status().longestBrokerOutageMs());
    }

    @Test
    void anUnreachableRegistryIsItsOwnOutageAndTheBrokerIsNotBlamedMeanwhile() {
        pending.set(4096);
        SchemaRegistryException down = new SchemaRegistryException("schema registry at http://reg:8080 is unreachable", 0, null);
        health.registryUnreachable(down);
        advanceSeconds(30);
        health.registryUnreachable(down);
        health.check();
        DeliveryHealth.Status s = health.status();
        assertEquals(DeliveryHealth.State.REGISTRY_UNREACHABLE, s.state());
        assertEquals(30_000, s.outageMs());
        assertEquals(0, s.longestBrokerOutageMs(), "records wait for the registry, not the broker");
        assertEquals(2, reports.size());
        assertTrue(reports.get(1).startsWith("for 30 s: schema registry at http://reg:8080 is unreachable; holding records"),
                reports.get(1));
        health.registryReachable();
        assertEquals("schema registry at http://reg:8080 reachable again after 30 s", reports.get(2));
        assertEquals(30_000, health.status().longestRegistryOutageMs());
    }
}
