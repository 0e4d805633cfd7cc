package io.tierscope.streams.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * Serves the topology's sensors ({@link TopologySensors}) as Micrometer meters named {@code tierscope.streams.*}
 * (Prometheus: {@code tierscope_streams_*}), summed over stream threads, read at scrape time:
 * <ul>
 * <li>{@code dead.letters{reason}}: records sent to the dead-letter topic, by {@link DeadLetterReason};
 * {@code reason="exception"} is Kafka Streams' own dropped-records count, which is what the exception handlers
 * dead-letter;</li>
 * <li>{@code windows.closed{output}} and {@code late.batches{output}}, for mrc, heat and ingest;</li>
 * <li>{@code vm.event.lag.max} (seconds, the worst VM) and {@code vm.event.lag{vm}} per VM, refreshed every
 * {@link #VM_REFRESH_SECONDS} s.</li>
 * </ul>
 */
public final class TopologyMeters implements AutoCloseable {
    static final int VM_REFRESH_SECONDS = 10;
    private static final String TASK_GROUP = "stream-task-metrics";
    private static final String DROPPED_RECORDS_TOTAL = "dropped-records-total";

    private final Supplier<Map<MetricName, ? extends Metric>> metrics;
    private final MultiGauge vmLag;
    private final ScheduledExecutorService refresher;

    private TopologyMeters(MeterRegistry registry, Supplier<Map<MetricName, ? extends Metric>> metrics) {
        this.metrics = metrics;
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            Predicate<MetricName> match = reason == DeadLetterReason.EXCEPTION
                    ? n -> n.group().equals(TASK_GROUP) && n.name().equals(DROPPED_RECORDS_TOTAL)
                    : custom(TopologySensors.DEAD_LETTERS, reason.label());
            FunctionCounter.builder("tierscope.streams.dead.letters", this, m -> m.sum(match))
                    .description("Input records sent to the dead-letter topic, by kind of reason")
                    .tag("reason", reason.label()).register(registry);
        }
        for (TopologySensors.Output output : TopologySensors.Output.values()) {
            FunctionCounter.builder("tierscope.streams.windows.closed", this,
                            m -> m.sum(custom(TopologySensors.WINDOWS_CLOSED, output.label)))
                    .description("Event-time windows closed and published").tag("output", output.label).register(registry);
            FunctionCounter.builder("tierscope.streams.late.batches", this,
                            m -> m.sum(custom(TopologySensors.LATE_BATCHES, output.label)))
                    .description("Batches that arrived after their window closed (counted into the next one)")
                    .tag("output", output.label).register(registry);
        }
        Gauge.builder("tierscope.streams.vm.event.lag.max", this, m -> m.vmLagSeconds().values().stream()
                        .mapToDouble(Double::doubleValue).max().orElse(0))
                .description("Wall clock minus the event time of the newest processed batch, worst VM")
                .baseUnit("seconds").register(registry);
        this.vmLag = MultiGauge.builder("tierscope.streams.vm.event.lag")
                .description("Wall clock minus the event time of the VM's newest processed batch")
                .baseUnit("seconds").register(registry);
        this.refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tierscope-vm-lag-meters");
            t.setDaemon(true);
            return t;
        });
        refresher.scheduleWithFixedDelay(this::refreshVmRows, 0, VM_REFRESH_SECONDS, TimeUnit.SECONDS);
    }

    /** Binds the meters of the instance whose metrics {@code metrics} reads (e.g. {@code streams::metrics}); close to stop. */
    public static TopologyMeters bind(MeterRegistry registry, Supplier<Map<MetricName, ? extends Metric>> metrics) {
        return new TopologyMeters(registry, metrics);
    }

    /** Per VM, the largest event lag any thread reports, in seconds. */
    Map<String, Double> vmLagSeconds() {
        Map<String, Double> byVm = new TreeMap<>();
        metrics.get().forEach((name, metric) -> {
            if (name.group().equals(TopologySensors.VM_GROUP) && name.name().equals(TopologySensors.VM_EVENT_LAG)) {
                double ms = value(metric);
                if (!Double.isNaN(ms)) {
                    byVm.merge(name.tags().get(TopologySensors.VM_TAG), ms / 1000.0, Math::max);
                }
            }
        });
        return byVm;
    }

    double sum(Predicate<MetricName> match) {
        double total = 0;
        for (Map.Entry<MetricName, ? extends Metric> e : metrics.get().entrySet()) {
            if (match.test(e.getKey())) {
                double v = value(e.getValue());
                if (!Double.isNaN(v)) {
                    total += v;
                }
            }
        }
        return total;
    }

    private void refreshVmRows() {
        try {
            List<MultiGauge.Row<?>> rows = new ArrayList<>();
            vmLagSeconds().forEach((vm, seconds) -> rows.add(MultiGauge.Row.of(Tags.of("vm", vm), seconds)));
            vmLag.register(rows, true);
        } catch (RuntimeException e) {
            // The instance may be closing; the next refresh tries again.
        }
    }

    private static Predicate<MetricName> custom(String operation, String entity) {
        String total = operation + "-total";
        return n -> n.group().equals(TopologySensors.GROUP) && n.name().equals(total)
                && entity.equals(n.tags().get(TopologySensors.ENTITY_TAG));
    }

    private static double value(Metric metric) {
        Object v = metric.metricValue();
        return v instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    @Override
    public void close() {
        refresher.shutdownNow();
    }
}
