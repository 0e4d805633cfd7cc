package io.tierscope.collector.produce;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The collector's counters as Micrometer meters ({@code tierscope_collector_...}): read from its
 * snapshot at scrape time, so the hot path keeps its own plain counters and pays nothing for metrics.
 */
public final class CollectorMeters {
    private CollectorMeters() {
    }

    /** The suppliers are references nothing else may hold: the gauges keep them strongly (Micrometer's default is weak). */
    public static void bind(MeterRegistry registry, Supplier<MetricsSnapshot> snapshot, Supplier<DeliveryHealth.Status> health) {
        counter(registry, "tierscope.collector.samples.read", "samples the sources delivered", snapshot, MetricsSnapshot::samplesRead);
        counter(registry, "tierscope.collector.samples.published", "samples in batches the broker acknowledged", snapshot,
                MetricsSnapshot::samplesPublished);
        counter(registry, "tierscope.collector.samples.filtered", "samples the spatial pre-filter left out on purpose", snapshot,
                MetricsSnapshot::samplesFiltered);
        counter(registry, "tierscope.collector.samples.dropped", "samples dropped because the send buffer was full", snapshot,
                MetricsSnapshot::samplesDropped);
        counter(registry, "tierscope.collector.samples.failed", "samples in batches whose delivery finally failed", snapshot,
                MetricsSnapshot::samplesFailed);
        counter(registry, "tierscope.collector.samples.lost.at.source", "samples the source reported lost (kernel queue overflow)",
                snapshot, MetricsSnapshot::samplesLostAtSource);
        counter(registry, "tierscope.collector.scans.published", "A/D scan records the broker acknowledged", snapshot,
                MetricsSnapshot::scansPublished);
        counter(registry, "tierscope.collector.scans.lost", "A/D scan records dropped or failed", snapshot,
                s -> s.scansDropped() + s.scansFailed());
        counter(registry, "tierscope.collector.scan.pages.published", "pages covered by the A/D scan records acknowledged",
                snapshot, MetricsSnapshot::scanPagesPublished);
        counter(registry, "tierscope.collector.scans.deferred", "A/D scan records that waited for the scans' share of the buffer",
                snapshot, MetricsSnapshot::scansDeferred);
        counter(registry, "tierscope.collector.scan.periods.missed", "A/D scan periods merged into the next one (collector behind)",
                snapshot, MetricsSnapshot::scanPeriodsMissed);
        counter(registry, "tierscope.collector.bytes.published", "serialized bytes the broker acknowledged", snapshot,
                MetricsSnapshot::bytesPublished);
        Gauge.builder("tierscope.collector.buffer.bytes", snapshot, s -> s.get().bufferedBytes())
                .description("bytes admitted to the send buffer and not yet acknowledged").strongReference(true).register(registry);
        Gauge.builder("tierscope.collector.send.latency.p99.seconds", snapshot, s -> s.get().sendLatencyP99Ms() / 1000)
                .description("99th percentile of send latency").strongReference(true).register(registry);
        Gauge.builder("tierscope.collector.delivery.ok", health, h -> h.get().ok() ? 1 : 0)
                .description("1 while records get out, 0 while the broker or the registry is unreachable").strongReference(true)
                .register(registry);
        Gauge.builder("tierscope.collector.outage.seconds", health, h -> h.get().outageMs() / 1000.0)
                .description("how long the current broker or registry outage has lasted").strongReference(true).register(registry);
    }

    private static void counter(MeterRegistry registry, String name, String description, Supplier<MetricsSnapshot> snapshot,
                                ToDoubleFunction<MetricsSnapshot> value) {
        // Micrometer holds the supplier weakly; the gauges below hold the same one strongly.
        FunctionCounter.builder(name, snapshot, s -> value.applyAsDouble(s.get())).description(description).register(registry);
    }
}
