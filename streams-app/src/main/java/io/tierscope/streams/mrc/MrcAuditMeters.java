package io.tierscope.streams.mrc;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.tierscope.avro.AuditStatus;
import io.tierscope.avro.CurveErrors;
import io.tierscope.avro.MrcAudit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The newest {@link MrcAudit} of every audited VM of this process as Micrometer gauges, tagged with
 * the VM id (and {@code curve=window|long} for the errors): {@code tierscope_mrc_audit_mae},
 * {@code tierscope_mrc_audit_max_error}, {@code tierscope_mrc_audit_cliff_error} (signed, relative),
 * {@code tierscope_mrc_audit_exact_pages} and {@code tierscope_mrc_audit_over_budget} (1 once the
 * exact engine outgrew its budget; the errors then read NaN). Stream threads publish, registries
 * (a command's {@code /metrics}) bind; one board per process, as the stream threads' processors are
 * made by Kafka Streams.
 */
public final class MrcAuditMeters {
    private static final MrcAuditMeters SHARED = new MrcAuditMeters();

    /** vmId -> {window MAE, max, cliff, long MAE, max, cliff, exact pages, over budget}. */
    private final Map<String, double[]> latest = new ConcurrentHashMap<>();
    private final List<MeterRegistry> registries = new ArrayList<>();

    MrcAuditMeters() {
    }

    public static MrcAuditMeters shared() {
        return SHARED;
    }

    /** Shows every audited VM's numbers, now and later, in {@code registry}. */
    public synchronized void bindTo(MeterRegistry registry) {
        registries.add(registry);
        latest.keySet().forEach(vm -> register(registry, vm));
    }

    synchronized void publish(MrcAudit audit) {
        String vm = audit.getVmId().toString();
        double[] values = new double[8];
        put(values, 0, audit.getWindow());
        put(values, 3, audit.getLongCurve());
        values[6] = audit.getExactPages();
        values[7] = audit.getStatus() == AuditStatus.OVER_BUDGET ? 1 : 0;
        if (latest.put(vm, values) == null) {
            registries.forEach(r -> register(r, vm));
        }
    }

    /** The VM's latest values (tests), or null. */
    double[] latest(String vm) {
        double[] v = latest.get(vm);
        return v == null ? null : v.clone();
    }

    private static void put(double[] values, int at, CurveErrors e) {
        values[at] = e == null ? Double.NaN : e.getMeanAbsoluteError();
        values[at + 1] = e == null ? Double.NaN : e.getMaxError();
        values[at + 2] = e == null ? Double.NaN : e.getCliffError();
    }

    private void register(MeterRegistry registry, String vm) {
        for (int c = 0; c < 2; c++) {
            Tags tags = Tags.of("vm", vm, "curve", c == 0 ? "window" : "long");
            int at = 3 * c;
            gauge(registry, "tierscope.mrc.audit.mae", "Mean absolute miss-ratio error of the sampled curve against the exact one",
                    tags, vm, at);
            gauge(registry, "tierscope.mrc.audit.max.error", "Largest miss-ratio error of the sampled curve against the exact one",
                    tags, vm, at + 1);
            gauge(registry, "tierscope.mrc.audit.cliff.error",
                    "Worst relative horizontal error at the exact curve's cliffs (negative: sampled cliff at smaller sizes)",
                    tags, vm, at + 2);
        }
        gauge(registry, "tierscope.mrc.audit.exact.pages", "Distinct pages the audit's exact engine tracks", Tags.of("vm", vm), vm, 6);
        gauge(registry, "tierscope.mrc.audit.over.budget", "1 once the audit's exact engine outgrew tierscope.mrc.audit.max.pages",
                Tags.of("vm", vm), vm, 7);
    }

    private void gauge(MeterRegistry registry, String name, String description, Tags tags, String vm, int index) {
        ToDoubleFunction<Map<String, double[]>> read = m -> {
            double[] v = m.get(vm);
            return v == null ? Double.NaN : v[index];
        };
        Gauge.builder(name, latest, read).description(description).tags(tags).strongReference(true).register(registry);
    }
}
