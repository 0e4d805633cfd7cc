package io.tierscope.workload.synthetic;

import io.tierscope.workload.Xwr;
import org.apache.commons.rng.UniformRandomProvider;

/**
 * Gives another workload's accesses a read/write/execute mix: each access is a write with
 * probability {@code writeFraction}, an instruction fetch with probability {@code execFraction},
 * otherwise a read. Pages are untouched, so the inner workload's ground truth holds.
 */
public final class AccessMixWorkload extends SyntheticWorkload {
    private final SyntheticWorkload inner;
    private final UniformRandomProvider rng;
    private final double writeFraction;
    private final double execFraction;

    public AccessMixWorkload(long seed, SyntheticWorkload inner, double writeFraction, double execFraction) {
        if (!(writeFraction >= 0 && execFraction >= 0 && writeFraction + execFraction <= 1)) {
            throw new IllegalArgumentException("write and exec fractions must be >= 0 and sum to <= 1, got "
                    + writeFraction + " and " + execFraction);
        }
        this.inner = inner;
        this.rng = Rng.seeded(seed);
        this.writeFraction = writeFraction;
        this.execFraction = execFraction;
    }

    @Override
    protected void fill(long[] gfn, byte[] xwr, int from, int count) {
        inner.generate(gfn, xwr, from, count);
        for (int i = from; i < from + count; i++) {
            double u = rng.nextDouble();
            xwr[i] = (byte) (u < writeFraction ? Xwr.WRITE : u < writeFraction + execFraction ? Xwr.EXEC : Xwr.READ);
        }
    }

    @Override
    public long footprintPages() {
        return inner.footprintPages();
    }

    @Override
    public long workingSetPages() {
        return inner.workingSetPages();
    }
}
