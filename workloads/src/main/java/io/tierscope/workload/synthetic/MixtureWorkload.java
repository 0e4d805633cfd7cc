package io.tierscope.workload.synthetic;

import java.util.List;
import org.apache.commons.rng.UniformRandomProvider;

/**
 * Interleaves several workloads: each access comes from component i with probability
 * {@code weights[i] / sum(weights)}. Give components disjoint page ranges for clean ground truth.
 */
public final class MixtureWorkload extends SyntheticWorkload {
    private final SyntheticWorkload[] components;
    private final double[] cumulative;
    private final UniformRandomProvider rng;

    public MixtureWorkload(long seed, List<? extends SyntheticWorkload> components, double[] weights) {
        if (components.isEmpty() || components.size() != weights.length) {
            throw new IllegalArgumentException("need one weight per component, got " + components.size()
                    + " components and " + weights.length + " weights");
        }
        this.components = components.toArray(new SyntheticWorkload[0]);
        this.cumulative = new double[weights.length];
        double sum = 0;
        for (int i = 0; i < weights.length; i++) {
            if (!(weights[i] >= 0)) {
                throw new IllegalArgumentException("weight " + i + " is negative or NaN: " + weights[i]);
            }
            sum += weights[i];
            cumulative[i] = sum;
        }
        if (!(sum > 0)) {
            throw new IllegalArgumentException("weights sum to zero");
        }
        for (int i = 0; i < cumulative.length; i++) {
            cumulative[i] /= sum;
        }
        this.rng = Rng.seeded(seed);
    }

    @Override
    protected void fill(long[] gfn, byte[] xwr, int from, int count) {
        for (int i = from; i < from + count; i++) {
            double u = rng.nextDouble();
            int c = 0;
            while (c < cumulative.length - 1 && u >= cumulative[c]) {
                c++;
            }
            components[c].generate(gfn, xwr, i, 1);
        }
    }

    /** Sum of the components' footprints (exact for disjoint page ranges). */
    @Override
    public long footprintPages() {
        long sum = 0;
        for (SyntheticWorkload c : components) {
            sum = PhaseShiftWorkload.saturatingAdd(sum, c.footprintPages());
        }
        return sum;
    }

    @Override
    public long workingSetPages() {
        long sum = 0;
        for (SyntheticWorkload c : components) {
            sum = PhaseShiftWorkload.saturatingAdd(sum, c.workingSetPages());
        }
        return sum;
    }
}
