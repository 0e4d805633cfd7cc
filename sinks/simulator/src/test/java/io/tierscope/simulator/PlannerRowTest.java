package io.tierscope.simulator;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.analytics.tiering.placement.HeatMemoryScore;
import io.tierscope.analytics.tiering.placement.HeatRanking;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The planner on sample-driven heat (the {@code tierscope-counts} row: pages ranked by sampled access
 * counts, the planner's defaults) against kvm_hybridmem at the settings of docs/tiering.md's table
 * (64K pages a VM, 10% fast, 1024 pages/s, 5% sampled, 60 periods) and at a second size, on seed 2, which
 * the defaults were not chosen on. Deterministic: fixed seeds, results compared, no timing. Only the two rows run.
 */
class PlannerRowTest {
    private static final long SEED = 2;

    @ParameterizedTest
    @ValueSource(strings = {"zipf", "phase-shift", "scan-polluted", "multi-vm"})
    void plannerOnSampledCountsBeatsKvmHybridmemWithNoMoreMigration(String workload) {
        assertBeatsKvmHybridmem(workload, 65_536, 0.1);
    }

    /**
     * A second size, four times the pages at half the fast ratio (so each page is sampled a quarter as often,
     * and the count half-life follows: 32 periods): where a fixed half-life and gap lost Zipf to kvm_hybridmem
     * (0.5927 against 0.5988). The 4-VM host is left out: there the curves move memory between VMs, which
     * kvm_hybridmem does not, and that costs 15% more pages than it moves (docs/tiering.md, "At every size").
     */
    @ParameterizedTest
    @ValueSource(strings = {"zipf", "phase-shift", "scan-polluted"})
    void atFourTimesThePagesAndHalfTheFastRatioToo(String workload) {
        assertBeatsKvmHybridmem(workload, 262_144, 0.05);
    }

    private static void assertBeatsKvmHybridmem(String workload, int vmPages, double fastRatio) {
        int perPeriod = 200_000;
        List<VmSource> vms = SyntheticFleets.of(workload, SEED, vmPages, perPeriod, 60);
        long pages = vms.stream().mapToLong(VmSource::pages).sum();
        Simulation.Settings s = new Simulation.Settings((long) Math.floor(pages * fastRatio), 1024, 1000, perPeriod, 0.05, 8, 0.1,
                0.15, HeatMemoryScore.DEFAULT_HALF_LIFE_PERIODS, HeatMemoryScore.DEFAULT_MIN_GAP, true, SEED,
                0, HeatRanking.DEFAULT_COUNT_GAP_MEAN_COUNTS,
                HeatRanking.DEFAULT_COUNT_NOISE_SIGMAS);
        Simulation.Result r = Simulation.run(vms, s, List.of(), Set.of("kvm_hybridmem", "tierscope-counts"));
        Simulation.PolicyResult kvm = r.policy("kvm_hybridmem");
        Simulation.PolicyResult ours = r.policy("tierscope-counts");
        String got = workload + " at " + vmPages + " pages: tierscope-counts " + ours.fastShare() + " / " + ours.migratedPages()
                + " pages, kvm_hybridmem "
                + kvm.fastShare() + " / " + kvm.migratedPages();
        assertTrue(ours.fastShare() >= kvm.fastShare(), got);
        assertTrue(ours.migratedPages() <= kvm.migratedPages(), got);
    }
}
