package io.tierscope.workload.synthetic;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs its phases one after another, {@code referencesPerPhase} accesses each, cycling back to the
 * first after the last. Ground truth follows the current phase: {@link #phase()} and
 * {@link #workingSetPages()} change at every shift.
 */
public final class PhaseShiftWorkload extends SyntheticWorkload {
    private final SyntheticWorkload[] phases;
    private final long referencesPerPhase;
    private int phase;
    private long leftInPhase;

    public PhaseShiftWorkload(long referencesPerPhase, List<? extends SyntheticWorkload> phases) {
        requirePositive(referencesPerPhase, "referencesPerPhase");
        if (phases.isEmpty()) {
            throw new IllegalArgumentException("a phase-shift workload needs at least one phase");
        }
        this.phases = phases.toArray(new SyntheticWorkload[0]);
        this.referencesPerPhase = referencesPerPhase;
        this.leftInPhase = referencesPerPhase;
    }

    /**
     * The classic working-set shift: {@code count} phases, each uniform over its own disjoint
     * range of {@code workingSetPages} pages starting at {@code base + i * workingSetPages}.
     */
    public static PhaseShiftWorkload disjointWorkingSets(long seed, long base, int count, long workingSetPages,
                                                         long referencesPerPhase) {
        List<SyntheticWorkload> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(new UniformWorkload(seed + i, base + i * workingSetPages, workingSetPages));
        }
        return new PhaseShiftWorkload(referencesPerPhase, list);
    }

    @Override
    protected void fill(long[] gfn, byte[] xwr, int from, int count) {
        while (count > 0) {
            int n = (int) Math.min(count, leftInPhase);
            phases[phase].generate(gfn, xwr, from, n);
            from += n;
            count -= n;
            leftInPhase -= n;
            if (leftInPhase == 0) {
                phase = (phase + 1) % phases.length;
                leftInPhase = referencesPerPhase;
            }
        }
    }

    /** Index of the phase the next access belongs to. */
    public int phase() {
        return phase;
    }

    /** Sum of the phases' footprints: exact when their page ranges are disjoint, an upper bound otherwise. */
    @Override
    public long footprintPages() {
        long sum = 0;
        for (SyntheticWorkload p : phases) {
            sum = saturatingAdd(sum, p.footprintPages());
        }
        return sum;
    }

    @Override
    public long workingSetPages() {
        return phases[phase].workingSetPages();
    }

    static long saturatingAdd(long a, long b) {
        long s = a + b;
        return s < 0 ? Long.MAX_VALUE : s;
    }
}
