package io.tierscope.collector.produce;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tierscope.metrics.Metrics;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class CollectorMetersTest {
    private static MetricsSnapshot snapshot(long read, long published, long dropped) {
        return new MetricsSnapshot(1000, read, 0, published, dropped, 0, 0, 3, 0, 0, 7, 1, 1, 4096, 512, 3, 1.0, 2.5, 3.0, 0, 0, 0, 0, 0);
    }

    @Test
    void scrapesShowTheCollectorsCountersAsTheyAreNow() {
        AtomicReference<MetricsSnapshot> now = new AtomicReference<>(snapshot(100, 90, 10));
        AtomicReference<DeliveryHealth.Status> health = new AtomicReference<>(
                new DeliveryHealth.Status(DeliveryHealth.State.OK, 0, 0, 0, null));
        PrometheusMeterRegistry registry = Metrics.newRegistry("collect");
        CollectorMeters.bind(registry, now::get, health::get);

        System.gc(); // the meters must not depend on suppliers only they hold (Micrometer's default is weak)
        String first = Metrics.scrape(registry);
        assertTrue(first.contains("tierscope_collector_samples_read_total{app=\"collect\"} 100.0"), first);
        assertTrue(first.contains("tierscope_collector_samples_published_total{app=\"collect\"} 90.0"), first);
        assertTrue(first.contains("tierscope_collector_samples_dropped_total{app=\"collect\"} 10.0"), first);
        assertTrue(first.contains("tierscope_collector_scans_lost_total{app=\"collect\"} 2.0"), first);
        assertTrue(first.contains("tierscope_collector_delivery_ok{app=\"collect\"} 1.0"), first);

        now.set(snapshot(250, 240, 10));
        health.set(new DeliveryHealth.Status(DeliveryHealth.State.BROKER_UNREACHABLE, 12_000, 12_000, 0, "timeout"));
        String second = Metrics.scrape(registry);
        assertTrue(second.contains("tierscope_collector_samples_published_total{app=\"collect\"} 240.0"), second);
        assertTrue(second.contains("tierscope_collector_delivery_ok{app=\"collect\"} 0.0"), second);
        assertTrue(second.contains("tierscope_collector_outage_seconds{app=\"collect\"} 12.0"), second);
    }
}
