package io.tierscope.analytics.mrc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.workload.synthetic.LoopWorkload;
import io.tierscope.workload.synthetic.MixtureWorkload;
import io.tierscope.workload.synthetic.PhaseShiftWorkload;
import io.tierscope.workload.synthetic.ScanWorkload;
import io.tierscope.workload.synthetic.SyntheticWorkload;
import io.tierscope.workload.synthetic.UniformWorkload;
import io.tierscope.workload.synthetic.ZipfWorkload;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The acceptance bar for spatial sampling: on synthetic workloads touching >= 1M distinct pages,
 * fixed-size hybrid sampling (SHARDS tail, exact heavy head) with S_max = 8192 stays within mean absolute error 0.01 and max error 0.05
 * of the exact MRC over log-spaced cache sizes. The exact engine runs once per workload.
 */
class SampledAccuracyTest {
    private static final int S_MAX = 8192;
    private static final int BATCH = 1 << 14;
    private static final MrcConfig CONFIG = MrcConfig.fixedSize(S_MAX);

    /**
     * VM keys (hence hash salts) the skewed cases are checked under: the bar holds for each, not on
     * average. Plain SHARDS missed it for Zipf 0.9 under most of them (MAE up to 0.07, max error
     * up to 0.18): the hottest pages were in or out of the sample by chance.
     */
    private static final long[] VM_KEYS = {5, 1, 2, 3, 4, 6};
    /** The original single salt, for the cases whose error is not dominated by a few hot pages. */
    private static final long[] ONE_KEY = {5};

    @Test
    void zipf() {
        check("zipf 0.6", new ZipfWorkload(11, 0, 3_000_000, 0.6), 4_000_000, VM_KEYS);
    }

    @Test
    void zipfSkewed() {
        check("zipf 0.9", new ZipfWorkload(15, 0, 3_000_000, 0.9), 4_000_000, VM_KEYS);
    }

    @Test
    void loopsMixedWithAScan() {
        check("loops+scan", new MixtureWorkload(12, List.of(new LoopWorkload(0, 600_000),
                new LoopWorkload(10_000_000, 50_000), new ScanWorkload(1L << 40, 1L << 40)),
                new double[] {0.6, 0.3, 0.1}), 4_000_000, ONE_KEY);
    }

    @Test
    void workingSetPhaseShifts() {
        check("phases", new PhaseShiftWorkload(1_000_000, List.of(new UniformWorkload(13, 0, 400_000),
                new ZipfWorkload(14, 5_000_000, 800_000, 0.8), new LoopWorkload(9_000_000, 300_000))), 4_000_000, ONE_KEY);
    }

    private static void check(String name, SyntheticWorkload workload, int references, long[] vmKeys) {
        MrcEngine exact = new MrcEngine(5, MrcConfig.exact());
        MrcEngine[] sampled = new MrcEngine[vmKeys.length];
        for (int k = 0; k < vmKeys.length; k++) {
            sampled[k] = new MrcEngine(vmKeys[k], CONFIG);
        }
        long[] gfn = new long[BATCH];
        byte[] xwr = new byte[BATCH];
        for (int done = 0; done < references; done += BATCH) {
            int n = Math.min(BATCH, references - done);
            workload.generate(gfn, xwr, 0, n);
            exact.accept(gfn, 0, n);
            for (MrcEngine e : sampled) {
                e.accept(gfn, 0, n);
            }
        }
        MissRatioCurve truth = exact.curve(MrcEngine.Histogram.CUMULATIVE, CacheSizeGrid.of(1));
        long footprint = Math.round(truth.footprintPages());
        assertTrue(footprint >= 1_000_000, name + " touches only " + footprint + " distinct pages");
        CacheSizeGrid grid = CacheSizeGrid.logSpaced(1, footprint, 4);
        double[] want = exact.curve(MrcEngine.Histogram.CUMULATIVE, grid).missRatio();
        long[] sizes = grid.pages();
        StringBuilder failures = new StringBuilder();
        for (int k = 0; k < vmKeys.length; k++) {
            double[] got = sampled[k].curve(MrcEngine.Histogram.CUMULATIVE, grid).missRatio();
            double sum = 0;
            double max = 0;
            long worstAt = 0;
            for (int i = 0; i < want.length; i++) {
                double err = Math.abs(want[i] - got[i]);
                sum += err;
                if (err > max) {
                    max = err;
                    worstAt = sizes[i];
                }
            }
            double mae = sum / want.length;
            System.out.printf("%s vmKey %d: footprint %d, rate %.5f, MAE %.4f, max %.4f at %d pages, %d bytes, %d heavy%n", name,
                    vmKeys[k], footprint, sampled[k].samplingRate(), mae, max, worstAt, sampled[k].retainedBytes(), sampled[k].heavyPages());
            if (mae > 0.01 || max > 0.05) {
                failures.append(String.format("%n vmKey %d: MAE %.4f, max %.4f at %d pages", vmKeys[k], mae, max,
                        worstAt));
            }
        }
        assertTrue(failures.length() == 0, name + " misses the bar for" + failures);
    }
}
