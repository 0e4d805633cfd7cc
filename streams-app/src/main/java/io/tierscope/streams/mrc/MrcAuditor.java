package io.tierscope.streams.mrc;

import io.tierscope.analytics.mrc.CacheSizeGrid;
import io.tierscope.analytics.mrc.CurveComparison;
import io.tierscope.analytics.mrc.MrcConfig;
import io.tierscope.analytics.mrc.MrcEngine;
import io.tierscope.avro.AuditStatus;
import io.tierscope.avro.CurveErrors;
import io.tierscope.avro.MrcAudit;
import io.tierscope.streams.StreamsAppConfig;
import io.tierscope.streams.state.SnapshotOnCommitStore;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live accuracy self-check of {@link MrcProcessor}: for each audited VM ({@link MrcAuditSettings})
 * an exact engine (a shadow) is fed the same references as the sampled one, and at every window
 * close both engines' window curves and long curves are compared ({@link CurveComparison}) at sizes
 * 64 per doubling up to the larger footprint estimate.
 *
 * <p>State: {@link #STORE} (vmId -> the shadow, or an over-budget marker), a {@link SnapshotOnCommitStore}
 * like the sampled engines': live shadows bounded like the processor's, snapshots changelogged once per
 * commit. A shadow that tracks more than the page budget is dropped and its VM marked over budget: each later window of the VM publishes {@link AuditStatus#OVER_BUDGET} instead of errors,
 * until the VM's state is dropped or its sampled engine starts over.
 */
final class MrcAuditor {
    static final String STORE = "mrc-audit-engines";
    private static final Logger LOG = LoggerFactory.getLogger(MrcAuditor.class);
    /** Over-budget marker: a zero byte (snapshots start with a non-zero magic), then the pages tracked when dropped. */
    private static final int MARKER_BYTES = 1 + Long.BYTES;
    private static final int POINTS_PER_DOUBLING = 64;

    private final MrcAuditSettings settings;
    private final MrcSettings mrc;
    private final MrcConfig exact;
    private final MrcAuditMeters meters;
    private SnapshotOnCommitStore<Shadow> store;

    MrcAuditor(MrcSettings mrc, MrcAuditMeters meters) {
        this.settings = mrc.audit();
        this.mrc = mrc;
        MrcConfig sampled = mrc.engine();
        this.exact = exactConfig(sampled);
        this.meters = meters;
    }

    void init(SnapshotOnCommitStore<Shadow> store) {
        this.store = store;
    }

    /** A VM's audit state: its exact engine, or (engine null) the pages it tracked when it went over budget. */
    record Shadow(MrcEngine engine, long overBudgetPages) {
        static Shadow of(MrcEngine engine) {
            return new Shadow(engine, -1);
        }

        boolean overBudget() {
            return engine == null;
        }
    }

    /** Snapshots and over-budget markers; a snapshot that cannot be read, or of other settings, is absent. */
    static SnapshotOnCommitStore.Codec<Shadow> codec(MrcSettings mrc) {
        MrcConfig exact = exactConfig(mrc.engine());
        return new SnapshotOnCommitStore.Codec<>() {
            @Override
            public byte[] encode(Shadow shadow) {
                return shadow.overBudget()
                        ? ByteBuffer.allocate(MARKER_BYTES).put((byte) 0).putLong(shadow.overBudgetPages()).array()
                        : shadow.engine().snapshot();
            }

            @Override
            public Shadow decode(String vm, byte[] stored) {
                long pages = overBudgetPages(stored);
                if (pages >= 0) {
                    return new Shadow(null, pages);
                }
                try {
                    MrcEngine engine = MrcEngine.restore(stored);
                    // Settings changed: the sampled engine starts over too.
                    return engine.config().equals(exact) ? Shadow.of(engine) : null;
                } catch (IllegalArgumentException e) {
                    LOG.error("VM {}: cannot read its audit engine snapshot ({}); the audit starts over", vm, e.getMessage());
                    return null;
                }
            }
        };
    }

    private static MrcConfig exactConfig(MrcConfig sampled) {
        return MrcConfig.exact().withTemporalPeriod(sampled.temporalPeriod()).withDecay(sampled.decay())
                .withPageSize(sampled.pageSize()).withWorkingSetTolerance(sampled.workingSetTolerance());
    }

    /** The VM's exact engine, or null when the VM is not audited or went over budget. */
    MrcEngine shadow(String vm) {
        if (!settings.audits(vm)) {
            return null;
        }
        Shadow held = store.get(vm);
        if (held != null) {
            return held.engine(); // null when over budget
        }
        MrcEngine engine = MrcEngine.forVm(vm, exact);
        store.put(vm, Shadow.of(engine));
        return engine;
    }

    /** The VM's sampled engine starts over: so does its audit (budget included). */
    void restart(String vm) {
        if (!settings.audits(vm)) {
            return;
        }
        if (store.contains(vm)) {
            store.delete(vm);
        }
    }

    /** Marks the shadow changed after a batch (its snapshot is written at the commit), or drops it once over budget. */
    void save(String vm, MrcEngine shadow) {
        if (shadow == null) {
            return;
        }
        if (shadow.trackedPages() > settings.maxPages()) {
            LOG.warn("VM {}: the MRC audit's exact engine tracks {} pages, over its budget of {} ({}); the VM is no"
                    + " longer audited", vm, shadow.trackedPages(), settings.maxPages(), StreamsAppConfig.MRC_AUDIT_MAX_PAGES);
            store.put(vm, new Shadow(null, shadow.trackedPages()));
            return;
        }
        store.put(vm, Shadow.of(shadow));
    }

    /** The VM's state is dropped (idle). */
    void drop(String vm) {
        if (!settings.audits(vm)) {
            return;
        }
        store.delete(vm);
    }

    /**
     * Compares the window curves of the VM's two engines and closes the shadow's window: call just
     * before the sampled engine's {@link MrcEngine#closeWindow()}. Null when the VM is not audited.
     */
    Pending beforeClose(String vm, MrcEngine sampled) {
        if (!settings.audits(vm)) {
            return null;
        }
        MrcEngine shadow = shadow(vm);
        if (shadow == null) {
            Shadow held = store.get(vm);
            return new Pending(null, null, held == null ? 0 : Math.max(0, held.overBudgetPages()));
        }
        CacheSizeGrid grid = grid(sampled, shadow);
        CurveErrors window = errors(grid, shadow, sampled, MrcEngine.Histogram.WINDOW);
        shadow.closeWindow();
        return new Pending(shadow, window, shadow.trackedPages());
    }

    /** The audit record of window [start, end): call after the sampled engine's {@link MrcEngine#closeWindow()}. */
    MrcAudit afterClose(String vm, Pending pending, MrcEngine sampled, long startMs, long endMs) {
        MrcAudit.Builder b = MrcAudit.newBuilder()
                .setVmId(vm)
                .setWindowStartMs(startMs)
                .setWindowEndMs(endMs)
                .setMaxPages(settings.maxPages())
                .setSamplingRate(sampled.samplingRate())
                .setLongCurveKind(mrc.longCurve().name())
                .setExactPages(pending.exactPages);
        if (pending.shadow == null) {
            b.setStatus(AuditStatus.OVER_BUDGET).setReferenceRate(1.0).setWindow(null).setLongCurve(null);
        } else {
            CacheSizeGrid grid = grid(sampled, pending.shadow);
            b.setStatus(AuditStatus.MEASURED)
                    .setReferenceRate(pending.shadow.samplingRate())
                    .setWindow(pending.window)
                    .setLongCurve(errors(grid, pending.shadow, sampled, mrc.longHistogram()));
        }
        MrcAudit audit = b.build();
        meters.publish(audit);
        return audit;
    }

    /** What {@link #beforeClose} measured. */
    record Pending(MrcEngine shadow, CurveErrors window, long exactPages) {
    }

    /** Sizes 64 per doubling up to the larger cumulative footprint estimate (every reuse distance is below it). */
    private static CacheSizeGrid grid(MrcEngine sampled, MrcEngine shadow) {
        CacheSizeGrid one = CacheSizeGrid.of(1);
        double footprint = Math.max(shadow.curve(MrcEngine.Histogram.CUMULATIVE, one).footprintPages(),
                sampled.curve(MrcEngine.Histogram.CUMULATIVE, one).footprintPages());
        return CacheSizeGrid.logSpaced(1, Math.max(2, (long) Math.ceil(footprint)), POINTS_PER_DOUBLING);
    }

    private static CurveErrors errors(CacheSizeGrid grid, MrcEngine shadow, MrcEngine sampled, MrcEngine.Histogram which) {
        CurveComparison c = CurveComparison.of(grid, shadow.curve(which, grid), sampled.curve(which, grid));
        return new CurveErrors(c.meanAbsoluteError(), c.maxError(), c.maxErrorAtPages(), c.cliffError(),
                c.cliffErrorAtPages(), c.meanCliffError(), c.cliffLevels());
    }

    /** The pages of an over-budget marker, or -1 for a snapshot. */
    private static long overBudgetPages(byte[] stored) {
        return stored.length == MARKER_BYTES && stored[0] == 0 ? ByteBuffer.wrap(stored, 1, Long.BYTES).getLong() : -1;
    }
}
