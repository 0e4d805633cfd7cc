package io.tierscope.simulator;

import io.tierscope.analytics.tiering.placement.HeatMemoryScore;
import io.tierscope.analytics.tiering.placement.HeatRanking;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The sweep behind docs/tiering.md's "At every size" table (not a test: run by hand). Arguments:
 * {@code workloads pagesPerVm fastRatios budgets sampleRates seeds [periods] [accessesPerPeriod]}, comma lists,
 * e.g. {@code zipf,multi-vm 65536,262144 0.05,0.1 256,1024 0.05 1,2}. Prints one CSV line per run: the
 * settings, then share and pages migrated of kvm_hybridmem, the epoch oracle, tierscope-counts and tierscope-fsm.
 */
public final class ScaleSweep {
    private ScaleSweep() {
    }

    public static void main(String[] args) {
        String[] workloads = args[0].split(",");
        int periods = args.length > 6 ? Integer.parseInt(args[6]) : 60;
        int perPeriod = args.length > 7 ? Integer.parseInt(args[7]) : 200_000;
        System.out.println("workload,pages,fast,budget,sample,seed,kvm,kvm_moved,oracle,counts,counts_moved,fsm,fsm_moved,"
                + "counts/oracle,counts-kvm,moved_ratio,seconds");
        for (String pagesArg : args[1].split(",")) {
            for (String fastArg : args[2].split(",")) {
                for (String budgetArg : args[3].split(",")) {
                    for (String sampleArg : args[4].split(",")) {
                        for (String seedArg : args[5].split(",")) {
                            for (String workload : workloads) {
                                run(workload, Integer.parseInt(pagesArg), Double.parseDouble(fastArg), Long.parseLong(budgetArg),
                                        Double.parseDouble(sampleArg), Long.parseLong(seedArg), periods, perPeriod);
                            }
                        }
                    }
                }
            }
        }
    }

    static void run(String workload, int pages, double fast, long budget, double sample, long seed, int periods,
                    int perPeriod) {
        long t0 = System.nanoTime();
        List<VmSource> vms = SyntheticFleets.of(workload, seed, pages, perPeriod, periods);
        long total = vms.stream().mapToLong(VmSource::pages).sum();
        // Overrides of the count row's settings for trying candidates (-Dts.h=, -Dts.gap=, -Dts.sigmas=, -Dts.guards=).
        double h = Double.parseDouble(System.getProperty("ts.h", "0"));
        double gap = Double.parseDouble(System.getProperty("ts.gap", "" + HeatRanking.DEFAULT_COUNT_GAP_MEAN_COUNTS));
        double sigmas = Double.parseDouble(System.getProperty("ts.sigmas", "" + HeatRanking.DEFAULT_COUNT_NOISE_SIGMAS));
        Simulation.Settings s = new Simulation.Settings((long) Math.floor(total * fast), budget, 1000, perPeriod, sample, 8,
                0.1, 0.15, HeatMemoryScore.DEFAULT_HALF_LIFE_PERIODS, HeatMemoryScore.DEFAULT_MIN_GAP,
                Boolean.parseBoolean(System.getProperty("ts.guards", "true")), seed,
                h, gap, sigmas);
        Simulation.Result r = Simulation.run(vms, s, List.of(),
                Set.of("kvm_hybridmem", "epoch-oracle", "tierscope-counts", "tierscope-fsm"));
        Simulation.PolicyResult kvm = r.policy("kvm_hybridmem");
        Simulation.PolicyResult oracle = r.policy("epoch-oracle");
        Simulation.PolicyResult counts = r.policy("tierscope-counts");
        Simulation.PolicyResult fsm = r.policy("tierscope-fsm");
        if (Boolean.getBoolean("ts.trace")) { // per period: pages migrated and each VM's fast pages, of the count row
            for (int p = 0; p < r.periods(); p++) {
                System.out.println("# " + p + " moved " + counts.migratedPerPeriod()[p] + " fast "
                        + java.util.Arrays.toString(counts.fastPagesPerPeriod()[p]) + " kvm moved " + kvm.migratedPerPeriod()[p]);
            }
        }
        System.out.println(String.format(Locale.ROOT, "%s,%d,%.2f,%d,%.3f,%d,%.4f,%d,%.4f,%.4f,%d,%.4f,%d,%.3f,%+.4f,%.2f,%.0f",
                workload, pages, fast, budget, sample, seed, kvm.fastShare(), kvm.migratedPages(), oracle.fastShare(),
                counts.fastShare(), counts.migratedPages(), fsm.fastShare(), fsm.migratedPages(),
                counts.fastShare() / oracle.fastShare(), counts.fastShare() - kvm.fastShare(),
                (double) counts.migratedPages() / Math.max(1, kvm.migratedPages()), (System.nanoTime() - t0) / 1e9));
    }
}
