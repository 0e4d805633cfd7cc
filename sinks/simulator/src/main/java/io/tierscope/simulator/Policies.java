package io.tierscope.simulator;

import io.tierscope.analytics.heat.ChunkHeat;
import io.tierscope.analytics.heat.ChunkTemperature;
import io.tierscope.analytics.heat.GapPolicy;
import io.tierscope.analytics.heat.HeatTable;
import io.tierscope.analytics.heat.SampledCounts;
import io.tierscope.analytics.heat.SampledPeriod;
import io.tierscope.analytics.heat.TemperatureModel;
import io.tierscope.analytics.mrc.MissRatioCurve;
import io.tierscope.analytics.tiering.allocation.FastMemoryAllocator;
import io.tierscope.analytics.tiering.allocation.HostGrant;
import io.tierscope.analytics.tiering.allocation.MissCurve;
import io.tierscope.analytics.tiering.allocation.VmDemand;
import io.tierscope.analytics.tiering.placement.HeatMemoryScore;
import io.tierscope.analytics.tiering.placement.HeatRanking;
import io.tierscope.analytics.tiering.placement.PageGuard;
import io.tierscope.analytics.tiering.placement.PlacementPlanner;
import io.tierscope.analytics.tiering.placement.VmPageState;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The policies the simulator compares. */
final class Policies {
    private Policies() {
    }

    /** Upper bound: every page in fast memory. */
    static final class AllFast extends Policy {
        AllFast(Fleet fleet) {
            super("all-fast", fleet);
        }

        @Override
        void plan(int period, long nowMs) {
        }

        @Override
        boolean isFast(int vm, int page) {
            return true;
        }

        @Override
        void firstTouch(int vm, int page) {
        }
    }

    /** Pages stay where they were first touched (fast while the host had room), no migration. */
    static final class FirstTouch extends Policy {
        FirstTouch(Fleet fleet) {
            super("first-touch", fleet);
        }

        @Override
        void plan(int period, long nowMs) {
        }
    }

    /**
     * kvm_hybridmem as its demo (kvm-ept-sample, demo/kvm_hybridmem/main.c) runs it, one daemon per
     * VM: a per-page float temperature, cooled by 0.5^(dt / half_life) and raised by the x/w/r
     * addition at each sample, and cooled only then: the scan ranks pages by the temperature of
     * their last update, as the demo hands them to libhybridmem. The hottest {@code fast_ratio} of
     * the VM's pages belong in fast memory; a page replaces another only when hotter by
     * temperature_tolerance_ratio; each daemon spends its own max_migration_bandwidth (here the
     * host budget split by VM size, so the host total is the same as every other policy's).
     */
    static final class KvmHybridmem extends Policy {
        private final float[][] temperature;
        private final long[][] updatedMs;
        private final TemperatureModel model;
        private final PlacementPlanner planner;

        KvmHybridmem(Fleet fleet, TemperatureModel model, double toleranceRatio) {
            super("kvm_hybridmem", fleet);
            this.model = model;
            this.planner = new PlacementPlanner(toleranceRatio, 0);
            temperature = new float[fleet.vmCount()][];
            updatedMs = new long[fleet.vmCount()][];
            for (int v = 0; v < fleet.vmCount(); v++) {
                temperature[v] = new float[fleet.pages(v)];
                updatedMs[v] = new long[fleet.pages(v)];
            }
        }

        @Override
        void observe(int vm, int page, int xwr, long timeMs) {
            float t = temperature[vm][page];
            long dt = timeMs - updatedMs[vm][page];
            temperature[vm][page] = (float) (t * model.decay(dt)) + model.addition(xwr);
            updatedMs[vm][page] = timeMs;
        }

        @Override
        void plan(int period, long nowMs) {
            double fastRatio = (double) fleet.capacityPages() / fleet.totalPages();
            List<io.tierscope.analytics.tiering.placement.HostPlacement> plans = new ArrayList<>();
            for (int v = 0; v < fleet.vmCount(); v++) {
                VmPageState s = placement[v];
                for (int c = 0; c < s.chunkCount(); c++) {
                    System.arraycopy(temperature[v], c * Fleet.CHUNK_PAGES, s.scores(c), 0, s.pagesIn(c));
                }
                // floor, not the demo's round: the VMs' shares must not add up past the host's capacity.
                long fastPages = (long) Math.floor(s.pageCount() * fastRatio);
                long budget = (long) Math.floor(fleet.budgetPagesPerPeriod() * (double) s.pageCount() / fleet.totalPages());
                plans.add(planner.plan(fastPages, budget, List.of(new PlacementPlanner.VmTarget(s, fastPages))));
            }
            // Every daemon's demotions land before any promotion.
            for (int v = 0; v < plans.size(); v++) {
                for (long gfn : plans.get(v).vms().get(0).demote()) {
                    placement[v].setFast(gfn, false);
                    demotions++;
                }
            }
            // A promotion into a full fast node fails (move_pages cannot allocate there): the
            // daemons do not know of each other, and first touches may have filled the node.
            for (int v = 0; v < plans.size(); v++) {
                for (long gfn : plans.get(v).vms().get(0).promote()) {
                    if (fastPages() >= fleet.capacityPages()) {
                        break;
                    }
                    placement[v].setFast(gfn, true);
                    promotions++;
                }
            }
        }
    }

    /**
     * Knows each period's accesses before it runs and places for them: the host's fast pages go to
     * the pages that period touches most (pooled across VMs), moved under the same budget, hottest
     * gains first. Optimal for each period on its own (not across periods).
     */
    static final class EpochOracle extends Policy {
        private final VmPageState pooled;
        private final int[] offset;
        private final PlacementPlanner planner = new PlacementPlanner(0, 1);

        EpochOracle(Fleet fleet) {
            super("epoch-oracle", fleet);
            offset = new int[fleet.vmCount() + 1];
            for (int v = 0; v < fleet.vmCount(); v++) {
                offset[v + 1] = offset[v] + fleet.pages(v);
            }
            pooled = new VmPageState("host", offset[fleet.vmCount()], Fleet.CHUNK_PAGES);
        }

        @Override
        void plan(int period, long nowMs) {
            for (int c = 0; c < pooled.chunkCount(); c++) {
                Arrays.fill(pooled.scores(c), 0f);
            }
            for (int v = 0; v < fleet.vmCount(); v++) {
                int[] pages = fleet.periodPages[v];
                for (int i = 0; i < fleet.periodLength[v]; i++) {
                    long p = offset[v] + (long) pages[i];
                    float[] chunk = pooled.scores((int) (p / Fleet.CHUNK_PAGES));
                    chunk[(int) (p % Fleet.CHUNK_PAGES)] += 1f;
                }
            }
            var plan = planner.plan(fleet.capacityPages(), fleet.budgetPagesPerPeriod(),
                    List.of(new PlacementPlanner.VmTarget(pooled, fleet.capacityPages())));
            pooled.apply(plan.vms().get(0));
            demotions += plan.vms().get(0).demote().length;
            promotions += plan.vms().get(0).promote().length;
        }

        @Override
        boolean isFast(int vm, int page) {
            return pooled.isFast(offset[vm] + (long) page);
        }

        @Override
        long fastPages() {
            return pooled.fastPages();
        }

        @Override
        void firstTouch(int vm, int page) {
            if (pooled.fastPages() < fleet.capacityPages()) {
                pooled.setFast(offset[vm] + (long) page, true);
            }
        }

        @Override
        long vmFastPages(int vm) {
            long n = 0;
            for (long p = offset[vm]; p < offset[vm + 1]; p++) {
                n += pooled.isFast(p) ? 1 : 0;
            }
            return n;
        }
    }

    /**
     * Ours: the host's fast pages split across VMs by their miss-ratio curves
     * ({@link FastMemoryAllocator}), each VM's pages ranked by decayed temperature with the heat
     * FSM's guards, moved by {@link PlacementPlanner} under the host budget. With a
     * {@link HeatMemoryScore} instead of a temperature it is what the planner runs: the heat FSM,
     * driven by each period's sampled pages, feeds the one-byte long-memory score once per period,
     * and the pages are ranked by that score. With {@link SampledCounts} it is what the planner runs on
     * sample-driven heat: each period's sampled accesses per page feed the counts the heat record
     * carries, and the pages are ranked by them, with the FSM's guards.
     */
    static final class Tierscope extends Policy {
        private final TemperatureModel model;
        private final HeatTable table = HeatTable.fsm5();
        /** The planner's ranking from heat (the same code as the planner's). */
        private final HeatRanking ranking = new HeatRanking(table);
        private final boolean guards;
        /** The placement; with counts, made each period from the host's mean count ({@link HeatRanking#countPlanner}). */
        private PlacementPlanner planner;
        /** With counts: tolerance, gap in mean counts, noise sigmas. */
        private double[] countMargins;
        private final FastMemoryAllocator allocator;
        private final ChunkTemperature[][] temps;
        private final ChunkHeat[][] heat;
        private final SampledPeriod[] sampled;
        /** Ranking by the planner's heat score (null: by temperature), one byte per page. */
        private final HeatMemoryScore heatScore;
        /** Ranking by the heat state code alone (the planner before its heat score). */
        private final boolean byStateCode;
        private final byte[][][] heatScores;
        /** Ranking by sampled access counts (null: not), 16 bits per page. */
        private final SampledCounts counts;
        private final char[][][] countState;
        final long[] allowed;

        Tierscope(String name, Fleet fleet, TemperatureModel model, double toleranceRatio, double minScoreGap,
                  boolean guards) {
            this(name, fleet, model, null, false, null, new PlacementPlanner(toleranceRatio, minScoreGap), guards);
        }

        /** The planner's policy on sample-driven heat: ranked by {@code counts}, margins as {@link HeatRanking#countPlanner}. */
        static Tierscope counted(String name, Fleet fleet, SampledCounts counts, double toleranceRatio, double gapMeanCounts,
                                 double noiseSigmas, boolean guards) {
            Tierscope t = new Tierscope(name, fleet, null, null, false, counts, null, guards);
            t.countMargins = new double[] {toleranceRatio, gapMeanCounts, noiseSigmas};
            return t;
        }

        /** The planner's policy: ranked by {@code heatScore}; {@code minScoreGap} in its units. */
        static Tierscope planner(String name, Fleet fleet, HeatMemoryScore heatScore, double toleranceRatio,
                                 double minScoreGap) {
            return new Tierscope(name, fleet, null, heatScore, false, null, new PlacementPlanner(toleranceRatio, minScoreGap,
                    heatScore::variance, HeatMemoryScore.DEFAULT_NOISE_SIGMAS), true);
        }

        /** The planner before the heat score: pages ranked by their heat state code, one state of hysteresis. */
        static Tierscope stateCode(String name, Fleet fleet) {
            return new Tierscope(name, fleet, null, null, true, null, new PlacementPlanner(0, 1), true);
        }

        private Tierscope(String name, Fleet fleet, TemperatureModel model, HeatMemoryScore heatScore, boolean byStateCode,
                          SampledCounts counts, PlacementPlanner planner, boolean guards) {
            super(name, fleet);
            this.model = model;
            this.heatScore = heatScore;
            this.byStateCode = byStateCode;
            this.counts = counts;
            this.guards = guards;
            this.planner = planner;
            this.allocator = new FastMemoryAllocator(Math.max(1, fleet.capacityPages() / 512));
            int n = fleet.vmCount();
            temps = new ChunkTemperature[n][];
            heat = new ChunkHeat[n][];
            sampled = new SampledPeriod[n];
            allowed = new long[n];
            heatScores = new byte[n][][];
            countState = new char[n][][];
            for (int v = 0; v < n; v++) {
                VmPageState s = placement[v];
                heatScores[v] = new byte[s.chunkCount()][];
                countState[v] = new char[s.chunkCount()][];
                temps[v] = new ChunkTemperature[s.chunkCount()];
                heat[v] = new ChunkHeat[s.chunkCount()];
                for (int c = 0; c < s.chunkCount(); c++) {
                    if (heatScore != null) {
                        heatScores[v][c] = new byte[s.pagesIn(c)];
                    } else if (counts != null) {
                        countState[v][c] = new char[s.pagesIn(c)];
                    } else if (!byStateCode) {
                        temps[v][c] = new ChunkTemperature(model, (long) c * Fleet.CHUNK_PAGES, s.pagesIn(c));
                    }
                    heat[v][c] = new ChunkHeat(table, GapPolicy.IDLE, (long) c * Fleet.CHUNK_PAGES, s.pagesIn(c));
                }
                sampled[v] = new SampledPeriod(Fleet.CHUNK_PAGES, s.pageCount());
            }
        }

        @Override
        void observe(int vm, int page, int xwr, long timeMs) {
            if (heatScore == null && counts == null && !byStateCode) {
                temps[vm][page / Fleet.CHUNK_PAGES].addSample(timeMs, page, xwr);
            }
            sampled[vm].add(page, xwr);
        }

        @Override
        void endPeriod(int period, long nowMs) {
            for (int v = 0; v < fleet.vmCount(); v++) {
                for (int c = 0; c < heat[v].length; c++) {
                    heat[v][c].apply(period, sampled[v].accessed(c), null);
                    if (counts != null) { // as the streams app's heat state does at the close of a sampling period
                        counts.update(countState[v][c], 0, countState[v][c].length, sampled[v].counts(c), 0,
                                ((long) v << 32) + (long) c * Fleet.CHUNK_PAGES, period);
                    }
                }
                sampled[v] = new SampledPeriod(Fleet.CHUNK_PAGES, placement[v].pageCount());
            }
        }

        @Override
        void plan(int period, long nowMs) {
            int n = fleet.vmCount();
            if (n == 1) {
                allowed[0] = fleet.capacityPages();
            } else if (period > 0) {
                List<VmDemand> demands = new ArrayList<>(n);
                for (int v = 0; v < n; v++) {
                    MissRatioCurve curve = fleet.curve(v);
                    demands.add(new VmDemand(fleet.vmName(v), new MissCurve(curve.sizePages(), clamp(curve.missRatio())),
                            fleet.lastPeriodReferences(v), 1, 0, placement[v].pageCount(), placement[v].fastPages()));
                }
                HostGrant grant = allocator.allocate(fleet.capacityPages(), demands);
                for (int v = 0; v < n; v++) {
                    allowed[v] = grant.vms().get(v).fastPages();
                }
            } else {
                // No curve yet: keep what first touch gives.
                for (int v = 0; v < n; v++) {
                    allowed[v] = Math.max(placement[v].fastPages(),
                            (long) Math.floor(fleet.capacityPages() * (double) fleet.pages(v) / fleet.totalPages()));
                }
            }
            List<PlacementPlanner.VmTarget> targets = new ArrayList<>(n);
            double countedSamples = 0;
            for (int v = 0; v < n; v++) {
                VmPageState s = placement[v];
                for (int c = 0; c < s.chunkCount(); c++) {
                    if (byStateCode) {
                        byte[] states = heat[v][c].accessStates();
                        float[] ranked = s.scores(c);
                        for (int i = 0; i < states.length; i++) {
                            ranked[i] = states[i];
                        }
                    } else if (counts != null) {
                        byte[] states = heat[v][c].accessStates();
                        countedSamples += ranking.rankCounts(countState[v][c], 0, states, 0, s.scores(c),
                                guards ? s.guards(c) : null, 0, states.length);
                        continue;
                    } else if (heatScore == null) {
                        temps[v][c].temperatures(nowMs, s.scores(c), 0);
                    } else {
                        // Once per period, from the heat states the last period left (as the planner does).
                        byte[] scores = heatScores[v][c];
                        byte[] states = heat[v][c].accessStates();
                        heatScore.update(table, states, scores, 0, scores.length);
                        ranking.rank(scores, 0, states, 0, s.scores(c), guards ? s.guards(c) : null, 0, scores.length);
                        continue;
                    }
                    if (guards) {
                        PageGuard.fromHeat(table, heat[v][c].accessStates(), s.guards(c));
                    }
                }
                targets.add(new PlacementPlanner.VmTarget(s, allowed[v]));
            }
            if (counts != null) { // as the planner does: the margins follow the host's mean count
                planner = HeatRanking.countPlanner(countedSamples / fleet.totalPages(), countMargins[0], countMargins[1],
                        countMargins[2]);
            }
            apply(planner.plan(fleet.capacityPages(), fleet.budgetPagesPerPeriod(), targets), 0);
        }

        private static double[] clamp(double[] ratios) {
            double[] out = ratios.clone();
            for (int i = 0; i < out.length; i++) {
                out[i] = Math.min(1, Math.max(0, out[i]));
            }
            return out;
        }
    }
}
