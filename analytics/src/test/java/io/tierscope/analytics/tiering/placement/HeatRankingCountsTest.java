package io.tierscope.analytics.tiering.placement;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tierscope.analytics.heat.HeatTable;
import io.tierscope.analytics.heat.SampledCounts;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The count ranking's sums and its margins, which follow the host's mean count (the sampling density). */
class HeatRankingCountsTest {
    @Test
    void rankingCountsReturnsTheirSumInSamples() {
        char[] counts = {(char) SampledCounts.UNIT, (char) (2 * SampledCounts.UNIT), 0, (char) (SampledCounts.UNIT / 2)};
        float[] scores = new float[4];
        double sum = new HeatRanking(HeatTable.fsm5()).rankCounts(counts, 0, new byte[4], 0, scores, null, 0, 4);
        assertEquals(3.5, sum, 1e-9);
        assertEquals(3.5, HeatRanking.countSum(counts), 1e-9);
        assertArrayEquals(new float[] {1, 2, 0, 0.5f}, scores);
    }

    @Test
    void aSwapNeedsTheHostsMeanCountAndTheNoiseMargin() {
        // Page 0 fast at count 0, page 1 slow: with a mean count of 5 samples it swaps in at 6, not at 4.
        assertEquals(List.of(), promoted(4, HeatRanking.countPlanner(5, 0, 1, 0)));
        assertEquals(List.of(1L), promoted(6, HeatRanking.countPlanner(5, 0, 1, 0)));
        // The noise margin: 2 sigma of a count c is 2 sqrt(c / 2), so 2 samples against 0 just pass, 1.5 do not.
        assertEquals(List.of(1L), promoted(2, HeatRanking.countPlanner(0, 0, 1, 2)));
        assertEquals(List.of(), promoted(1.5f, HeatRanking.countPlanner(0, 0, 1, 2)));
    }

    private static List<Long> promoted(float slowPageCount, PlacementPlanner planner) {
        VmPageState vm = new VmPageState("vm", 2, 64);
        vm.setFast(0, true);
        vm.scores(0)[1] = slowPageCount;
        long[] promote = planner.plan(1, 2, List.of(new PlacementPlanner.VmTarget(vm, 1))).vms().get(0).promote();
        return java.util.Arrays.stream(promote).boxed().toList();
    }
}
