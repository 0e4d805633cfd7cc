package io.tierscope.simulator;

import io.tierscope.analytics.heat.SampledCounts;
import io.tierscope.analytics.heat.TemperatureModel;
import io.tierscope.analytics.tiering.placement.HeatMemoryScore;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Replays a fleet's accesses period by period through every policy at once. The same accesses
 * reach every policy; the same accesses are sampled for every policy's heat (a fraction
 * {@code sampleRate}, as a sampling collector would see them). An access is a fast-tier hit when
 * its page is in fast memory when it happens; moves happen at period starts.
 */
final class Simulation {
    /**
     * Settings of one run; minScoreGap is in sampled reads per period (see {@link #scoreGap}),
     * heatScoreGap in units of the planner's one-byte score (0..255) and heatHalfLifePeriods its
     * half-life (the tierscope-fsm row); countHalfLifePeriods 0 is {@link SampledCounts#halfLifeForDensity} of the
     * host's samples per page and period, countGapMeanCounts in mean counts of the host's pages.
     */
    record Settings(long capacityPages, long budgetPagesPerSec, long periodMs, int accessesPerPeriod,
                    double sampleRate, double halfLifePeriods, double toleranceRatio, double minScoreGap,
                    double heatHalfLifePeriods, double heatScoreGap, boolean guards, long seed,
                    double countHalfLifePeriods, double countGapMeanCounts, double countNoiseSigmas) {
        long budgetPagesPerPeriod() {
            return (long) Math.floor(budgetPagesPerSec * (periodMs / 1000.0));
        }

        /** The count half-life: as set, or from the sampling density of {@code vms} VMs of {@code pages} pages in all. */
        double countHalfLife(int vms, long pages) {
            return countHalfLifePeriods > 0 ? countHalfLifePeriods
                    : SampledCounts.halfLifeForDensity((double) accessesPerPeriod * vms * sampleRate / Math.max(1, pages));
        }
    }

    /** What one policy achieved. */
    record PolicyResult(String name, double fastShare, long hits, long promotions, long demotions,
                        double[] vmFastShare, long[][] fastPagesPerPeriod, long[] migratedPerPeriod) {
        long migratedPages() {
            return promotions + demotions;
        }
    }

    record Result(Settings settings, List<String> vmNames, int[] vmPages, long accesses, int periods,
                  List<PolicyResult> policies) {
        PolicyResult policy(String name) {
            for (PolicyResult p : policies) {
                if (p.name().equals(name)) {
                    return p;
                }
            }
            return null;
        }
    }

    private Simulation() {
    }

    /** The planner on sample-driven heat: pages ranked by sampled access counts of half-life {@code h}. */
    private static Policy counted(String name, Fleet fleet, Settings settings, double h) {
        return Policies.Tierscope.counted(name, fleet, new SampledCounts(h), settings.toleranceRatio(),
                settings.countGapMeanCounts(), settings.countNoiseSigmas(), settings.guards());
    }

    static Result run(List<VmSource> vms, Settings settings, List<Double> extraHalfLives) {
        return run(vms, settings, extraHalfLives, null);
    }

    /** As above with only the policies named in {@code only} (null: all), e.g. for a test that compares two. */
    static Result run(List<VmSource> vms, Settings settings, List<Double> extraHalfLives, java.util.Set<String> only) {
        Fleet fleet = new Fleet(vms, settings.capacityPages(), settings.budgetPagesPerPeriod(), settings.accessesPerPeriod());
        TemperatureModel model = model(settings, settings.halfLifePeriods());
        List<Policy> policies = new ArrayList<>();
        policies.add(new Policies.AllFast(fleet));
        policies.add(new Policies.FirstTouch(fleet));
        policies.add(new Policies.KvmHybridmem(fleet, model, settings.toleranceRatio()));
        policies.add(new Policies.EpochOracle(fleet));
        policies.add(new Policies.Tierscope("tierscope", fleet, model, settings.toleranceRatio(),
                scoreGap(settings, settings.halfLifePeriods()), settings.guards()));
        policies.add(Policies.Tierscope.planner("tierscope-fsm", fleet, new HeatMemoryScore(settings.heatHalfLifePeriods()),
                settings.toleranceRatio(), settings.heatScoreGap()));
        policies.add(Policies.Tierscope.stateCode("tierscope-state", fleet));
        policies.add(counted("tierscope-counts", fleet, settings, settings.countHalfLife(fleet.vmCount(), fleet.totalPages())));
        for (double h : extraHalfLives) {
            policies.add(new Policies.Tierscope("tierscope-h" + format(h), fleet, model(settings, h),
                    settings.toleranceRatio(), scoreGap(settings, h), settings.guards()));
            policies.add(Policies.Tierscope.planner("tierscope-fsm-h" + format(h), fleet, new HeatMemoryScore(h),
                    settings.toleranceRatio(), settings.heatScoreGap()));
            policies.add(counted("tierscope-counts-h" + format(h), fleet, settings, h));
        }
        if (only != null) {
            policies.removeIf(p -> !only.contains(p.name));
        }
        int n = fleet.vmCount();
        boolean[][] touched = new boolean[n][];
        for (int v = 0; v < n; v++) {
            touched[v] = new boolean[fleet.pages(v)];
        }
        List<List<long[]>> perPeriod = new ArrayList<>();
        List<List<Long>> migrated = new ArrayList<>();
        for (int i = 0; i < policies.size(); i++) {
            perPeriod.add(new ArrayList<>());
            migrated.add(new ArrayList<>());
        }
        SplittableRandom sampler = new SplittableRandom(settings.seed());
        long accesses = 0;
        long[] vmAccesses = new long[n];
        int period = 0;
        Policy[] all = policies.toArray(new Policy[0]);
        while (fleet.nextPeriod()) {
            long start = period * settings.periodMs();
            for (int i = 0; i < all.length; i++) {
                long before = all[i].migratedPages();
                all[i].plan(period, start);
                migrated.get(i).add(all[i].migratedPages() - before);
            }
            for (int v = 0; v < n; v++) {
                int len = fleet.periodLength[v];
                int[] pages = fleet.periodPages[v];
                byte[] xwr = fleet.periodXwr[v];
                for (int i = 0; i < len; i++) {
                    int page = pages[i];
                    if (!touched[v][page]) {
                        touched[v][page] = true;
                        for (Policy p : all) {
                            p.firstTouch(v, page);
                        }
                    }
                    boolean sampled = sampler.nextDouble() < settings.sampleRate();
                    long t = start + (long) ((double) i / len * settings.periodMs());
                    for (Policy p : all) {
                        if (p.isFast(v, page)) {
                            p.hits++;
                            p.vmHits[v]++;
                        }
                        if (sampled) {
                            p.observe(v, page, xwr[i], t);
                        }
                    }
                }
                accesses += len;
                vmAccesses[v] += len;
            }
            long end = start + settings.periodMs();
            fleet.closePeriod();
            for (int i = 0; i < all.length; i++) {
                all[i].endPeriod(period, end);
                long[] fast = new long[n];
                for (int v = 0; v < n; v++) {
                    fast[v] = all[i].vmFastPages(v);
                }
                perPeriod.get(i).add(fast);
            }
            period++;
        }
        List<PolicyResult> results = new ArrayList<>();
        for (int i = 0; i < all.length; i++) {
            Policy p = all[i];
            double[] vmShare = new double[n];
            for (int v = 0; v < n; v++) {
                vmShare[v] = vmAccesses[v] == 0 ? 0 : (double) p.vmHits[v] / vmAccesses[v];
            }
            results.add(new PolicyResult(p.name, accesses == 0 ? 0 : (double) p.hits / accesses, p.hits,
                    p.promotions, p.demotions, vmShare, perPeriod.get(i).toArray(new long[0][]),
                    migrated.get(i).stream().mapToLong(Long::longValue).toArray()));
        }
        List<String> names = new ArrayList<>();
        int[] pages = new int[n];
        for (int v = 0; v < n; v++) {
            names.add(fleet.vmName(v));
            pages[v] = fleet.pages(v);
        }
        return new Result(settings, names, pages, accesses, period, results);
    }

    /** Temperature model: half-life in periods; additions execute 4, write 2, read 1 (the demo takes them as arguments). */
    private static TemperatureModel model(Settings s, double halfLifePeriods) {
        return new TemperatureModel(halfLifePeriods * s.periodMs(), 4f, 2f, 1f);
    }

    /**
     * The hysteresis gap in temperature units: {@code minScoreGap} sampled reads per period make a
     * temperature of gap / (1 - 2^(-1/h)) once steady (see {@link TemperatureModel}).
     */
    static double scoreGap(Settings s, double halfLifePeriods) {
        return s.minScoreGap() / (1 - Math.pow(0.5, 1 / halfLifePeriods));
    }

    static String format(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }
}
