package io.tierscope.analytics.mrc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.workload.synthetic.LoopWorkload;
import io.tierscope.workload.synthetic.MixtureWorkload;
import io.tierscope.workload.synthetic.SyntheticWorkload;
import io.tierscope.workload.synthetic.UniformWorkload;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.stream.DoubleStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Where a sampled cliff sits: loops with random noise over a larger footprint, the default sampled
 * engine (SHARDS fixed-size, S_max = 8192, exact head) under eight salts against the exact engine,
 * compared by {@link CurveComparison} on a log grid of 64 sizes per doubling (1.1% apart). Each
 * salt's cliff stays within {@value #CLIFF_BOUND} (relative size) of the exact one, and the cliff does
 * not move systematically: the signed errors averaged over the salts stay within {@value #BIAS_BOUND}.
 *
 * <p>The default suite runs two short cases; the campaign behind {@code -Psoak} (system property
 * {@code tierscope.soak}) runs loops of 50K to 1M pages with 0 to 20% noise over 3M pages and prints
 * the table of docs/mrc-accuracy.md.
 */
class SampledCliffAccuracyTest {
    static final double CLIFF_BOUND = 0.05;
    static final double BIAS_BOUND = 0.015;
    private static final MrcConfig CONFIG = MrcConfig.fixedSize(8192);
    private static final long[] VM_KEYS = {1, 2, 3, 4, 5, 6, 7, 8};
    private static final long NOISE_BASE = 1L << 32;

    @Test
    void loopWithNoise() {
        check(campaignCase(200_000, 0.10, 1_000_000, 1_100_000));
    }

    @Test
    void smallLoopInWideNoise() {
        check(campaignCase(50_000, 0.20, 3_000_000, 600_000));
    }

    @Test
    @EnabledIfSystemProperty(named = "tierscope.soak", matches = "true")
    void campaign() {
        List<Result> results = new ArrayList<>();
        for (long loop : new long[] {50_000, 200_000, 1_000_000}) {
            for (double noise : new double[] {0, 0.05, 0.20}) {
                // Four passes of the loop; the noise pages are drawn from 3M.
                long references = Math.round(4 * loop / (1 - noise));
                results.add(run(campaignCase(loop, noise, 3_000_000, references)));
            }
        }
        System.out.println("| workload | salt | footprint | rate | MAE | max | cliff error | mean signed |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (Result r : results) {
            for (int k = 0; k < VM_KEYS.length; k++) {
                CurveComparison c = r.comparisons[k];
                System.out.printf("| %s | %d | %d | %.5f | %.4f | %.4f | %+.2f%% | %+.2f%% |%n", r.c.name(), VM_KEYS[k],
                        r.footprint, r.rates[k], c.meanAbsoluteError(), c.maxError(), 100 * c.cliffError(),
                        100 * c.meanCliffError());
            }
        }
        for (Result r : results) {
            System.out.printf("| %s | all | %d | | %.4f (mean) | %.4f (max) | %.2f%% (worst abs) | %+.2f%% (bias) |%n",
                    r.c.name(), r.footprint, r.meanMae(), r.maxMax(), 100 * r.worstCliff(), 100 * r.bias());
        }
        StringBuilder failures = new StringBuilder();
        for (Result r : results) {
            failures.append(failures(r));
        }
        assertTrue(failures.length() == 0, "campaign misses the bar:" + failures);
    }

    record Case(String name, SyntheticWorkload workload, long references) {
    }

    private static Case campaignCase(long loop, double noise, long noisePages, long references) {
        String name = String.format("loop %dK + %.0f%% noise over %dK", loop / 1000, 100 * noise, noisePages / 1000);
        SyntheticWorkload w = noise == 0 ? new LoopWorkload(0, loop)
                : new MixtureWorkload(loop + 17, List.of(new LoopWorkload(0, loop),
                        new UniformWorkload(loop + 29, NOISE_BASE, noisePages)), new double[] {1 - noise, noise});
        return new Case(name, w, references);
    }

    private static void check(Case c) {
        String failures = failures(run(c));
        assertTrue(failures.isEmpty(), c.name() + " misses the bar:" + failures);
    }

    private static String failures(Result r) {
        StringBuilder failures = new StringBuilder();
        for (int k = 0; k < VM_KEYS.length; k++) {
            CurveComparison c = r.comparisons[k];
            System.out.printf("%s vmKey %d: footprint %d, rate %.5f, MAE %.4f, max %.4f, cliff %+.2f%% at %d pages"
                            + " (%d levels), mean signed %+.2f%%%n", r.c.name(), VM_KEYS[k], r.footprint, r.rates[k],
                    c.meanAbsoluteError(), c.maxError(), 100 * c.cliffError(), c.cliffErrorAtPages(), c.cliffLevels(),
                    100 * c.meanCliffError());
            if (c.cliffLevels() == 0) {
                failures.append(String.format("%n %s: the exact curve has no cliff", r.c.name()));
            }
            if (!(Math.abs(c.cliffError()) <= CLIFF_BOUND)) {
                failures.append(String.format("%n %s vmKey %d: cliff %+.2f%% at %d pages", r.c.name(), VM_KEYS[k],
                        100 * c.cliffError(), c.cliffErrorAtPages()));
            }
        }
        if (!(Math.abs(r.bias()) <= BIAS_BOUND)) {
            failures.append(String.format("%n %s: mean signed cliff error over the salts %+.2f%%", r.c.name(), 100 * r.bias()));
        }
        return failures.toString();
    }

    private static Result run(Case c) {
        MrcEngine exact = new MrcEngine(5, MrcConfig.exact());
        MrcEngine[] sampled = new MrcEngine[VM_KEYS.length];
        for (int k = 0; k < VM_KEYS.length; k++) {
            sampled[k] = new MrcEngine(VM_KEYS[k], CONFIG);
        }
        SampledAccuracyTest.feed(c.workload(), c.references(), exact, sampled);
        long footprint = Math.round(exact.curve(MrcEngine.Histogram.CUMULATIVE, CacheSizeGrid.of(1)).footprintPages());
        CacheSizeGrid grid = CacheSizeGrid.logSpaced(1, footprint, 64);
        MissRatioCurve want = exact.curve(MrcEngine.Histogram.CUMULATIVE, grid);
        CurveComparison[] comparisons = new CurveComparison[VM_KEYS.length];
        double[] rates = new double[VM_KEYS.length];
        for (int k = 0; k < VM_KEYS.length; k++) {
            comparisons[k] = CurveComparison.of(grid, want, sampled[k].curve(MrcEngine.Histogram.CUMULATIVE, grid));
            rates[k] = sampled[k].samplingRate();
        }
        return new Result(c, footprint, comparisons, rates);
    }

    private record Result(Case c, long footprint, CurveComparison[] comparisons, double[] rates) {
        private DoubleStream each(ToDoubleFunction<CurveComparison> f) {
            return Arrays.stream(comparisons).mapToDouble(f);
        }

        double bias() {
            return each(CurveComparison::meanCliffError).average().orElse(0);
        }

        double worstCliff() {
            return each(x -> Math.abs(x.cliffError())).max().orElse(0);
        }

        double meanMae() {
            return each(CurveComparison::meanAbsoluteError).average().orElse(0);
        }

        double maxMax() {
            return each(CurveComparison::maxError).max().orElse(0);
        }
    }
}
