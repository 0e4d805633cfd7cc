package io.tierscope.analytics.tiering.placement;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class PlacementPlannerTest {
    private final PlacementPlanner planner = new PlacementPlanner(0.1, 0);

    @Property(tries = 150)
    void capacityAndAllocationsHoldAtEveryStepAndBudgetIsKept(@ForAll long seed,
                                                             @ForAll @IntRange(min = 1, max = 4) int vmCount,
                                                             @ForAll @IntRange(min = 0, max = 300) int budget) {
        Random rnd = new Random(seed);
        List<VmPageState> states = new ArrayList<>();
        List<PlacementPlanner.VmTarget> targets = new ArrayList<>();
        long capacity = rnd.nextInt(600);
        long used = 0;
        for (int v = 0; v < vmCount; v++) {
            VmPageState s = new VmPageState("vm" + v, 64 + rnd.nextInt(700), 128);
            for (long p = 0; p < s.pageCount(); p++) {
                s.setScore(p, rnd.nextInt(4) == 0 ? 0 : rnd.nextInt(50));
                if (used < capacity && rnd.nextInt(3) == 0) {
                    s.setFast(p, true);
                    used++;
                }
                if (rnd.nextInt(10) == 0) {
                    s.setGuard(p, (byte) (1 + rnd.nextInt(2)));
                }
            }
            states.add(s);
        }
        long left = capacity;
        for (VmPageState s : states) {
            long allowed = rnd.nextInt((int) left + 1);
            left -= allowed;
            targets.add(new PlacementPlanner.VmTarget(s, allowed));
        }
        HostPlacement plan = planner.plan(capacity, budget, targets);
        assertTrue(plan.migratedPages() <= budget, plan.migratedPages() + " > " + budget);

        // Apply as the executor does: every demotion, then every promotion; count at each step.
        long hostFast = used;
        long[] vmFast = states.stream().mapToLong(VmPageState::fastPages).toArray();
        for (VmMoves m : plan.vms()) {
            hostFast -= m.demote().length;
        }
        for (int v = 0; v < vmCount; v++) {
            VmMoves m = plan.vms().get(v);
            vmFast[v] -= m.demote().length;
            for (long gfn : m.promote()) {
                hostFast++;
                vmFast[v]++;
                assertTrue(hostFast <= Math.max(capacity, used), "host over capacity");
                assertTrue(vmFast[v] <= Math.max(targets.get(v).fastPagesAllowed(), states.get(v).fastPages()),
                        "VM over its allocation");
                assertTrue(states.get(v).guard(gfn) != PageGuard.KEEP_SLOW, "frigid page promoted");
            }
            states.get(v).apply(m);
            assertEquals(m.fastPagesAfter(), states.get(v).fastPages());
        }
    }

    @Test
    void aStableWorkloadConvergesToItsHottestPagesAndStopsMigrating() {
        VmPageState vm = new VmPageState("vm", 10_000, 1024);
        Random rnd = new Random(7);
        for (long p = 0; p < vm.pageCount(); p++) {
            vm.setScore(p, rnd.nextFloat() * 100);
            vm.setFast(p, p < 1000);
        }
        int periods = 0;
        long moved;
        do {
            HostPlacement plan = planner.plan(1000, 200, List.of(new PlacementPlanner.VmTarget(vm, 1000)));
            moved = plan.migratedPages();
            assertTrue(moved <= 200);
            vm.apply(plan.vms().get(0));
            periods++;
        } while (moved > 0 && periods < 100);
        assertEquals(0, moved, "still migrating after 100 periods");
        // Fast set: every slow page is within the margin of the coldest fast page.
        float coldestFast = Float.MAX_VALUE;
        float hottestSlow = 0;
        for (long p = 0; p < vm.pageCount(); p++) {
            if (vm.isFast(p)) {
                coldestFast = Math.min(coldestFast, vm.score(p));
            } else {
                hottestSlow = Math.max(hottestSlow, vm.score(p));
            }
        }
        assertEquals(1000, vm.fastPages());
        assertTrue(hottestSlow <= coldestFast * 1.1, hottestSlow + " vs " + coldestFast);
        // A second plan at the same scores moves nothing.
        assertEquals(0, planner.plan(1000, 200, List.of(new PlacementPlanner.VmTarget(vm, 1000))).migratedPages());
    }

    @Test
    void hysteresisKeepsPagesWithinTheMarginInPlace() {
        VmPageState vm = new VmPageState("vm", 64, 64);
        vm.setScore(0, 10f);
        vm.setFast(0, true);
        vm.setScore(1, 10.9f);
        vm.setScore(2, 11.5f);
        HostPlacement plan = planner.plan(1, 10, List.of(new PlacementPlanner.VmTarget(vm, 1)));
        assertArrayEquals(new long[] {0}, plan.vms().get(0).demote());
        assertArrayEquals(new long[] {2}, plan.vms().get(0).promote());
        vm.apply(plan.vms().get(0));
        vm.setScore(1, 12.6f); // beats 11.5 by less than 10%
        assertEquals(0, planner.plan(1, 10, List.of(new PlacementPlanner.VmTarget(vm, 1))).migratedPages());
    }

    @Test
    void guardsHold() {
        VmPageState vm = new VmPageState("vm", 64, 64);
        vm.setScore(0, 1f);
        vm.setFast(0, true);
        vm.setGuard(0, PageGuard.KEEP_FAST);
        vm.setScore(1, 2f);
        vm.setFast(1, true);
        vm.setScore(2, 1000f);
        vm.setGuard(2, PageGuard.KEEP_SLOW);
        vm.setScore(3, 100f);
        vm.setScore(4, 90f);
        HostPlacement plan = planner.plan(2, 100, List.of(new PlacementPlanner.VmTarget(vm, 2)));
        // Page 2 is frigid: never promoted. Page 0 is sizzle: not swapped out, page 1 is.
        assertArrayEquals(new long[] {1}, plan.vms().get(0).demote());
        assertArrayEquals(new long[] {3}, plan.vms().get(0).promote());
        // A shrinking allocation demotes pinned pages last, but does demote them.
        vm.apply(plan.vms().get(0));
        HostPlacement shrink = planner.plan(2, 100, List.of(new PlacementPlanner.VmTarget(vm, 0)));
        assertArrayEquals(new long[] {3, 0}, shrink.vms().get(0).demote());
    }

    @Test
    void tiesGoToTheLowerGfnAndPlansAreDeterministic() {
        VmPageState vm = new VmPageState("vm", 256, 64);
        for (long p = 0; p < 256; p++) {
            vm.setScore(p, 5f);
        }
        HostPlacement a = planner.plan(10, 100, List.of(new PlacementPlanner.VmTarget(vm, 10)));
        HostPlacement b = planner.plan(10, 100, List.of(new PlacementPlanner.VmTarget(vm, 10)));
        assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, a.vms().get(0).promote());
        assertArrayEquals(a.vms().get(0).promote(), b.vms().get(0).promote());
    }

    @Test
    void memoryMovesBetweenVmsInPairsUnderTheBudget() {
        VmPageState shrinking = new VmPageState("a", 128, 64);
        VmPageState growing = new VmPageState("b", 128, 64);
        for (long p = 0; p < 128; p++) {
            shrinking.setScore(p, p);
            shrinking.setFast(p, p < 100);
            growing.setScore(p, 1000 + p);
        }
        // Host full (100 of 100); a must shrink to 40, b grows to 60; the budget allows 30 moves:
        // 15 of a's coldest pages go, 15 of b's hottest come.
        HostPlacement plan = planner.plan(100, 30, List.of(
                new PlacementPlanner.VmTarget(shrinking, 40), new PlacementPlanner.VmTarget(growing, 60)));
        VmMoves a = plan.vms().get(0);
        VmMoves b = plan.vms().get(1);
        assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14}, a.demote());
        assertArrayEquals(new long[] {127, 126, 125, 124, 123, 122, 121, 120, 119, 118, 117, 116, 115, 114, 113},
                b.promote());
        // Deferred: a's 45 excess pages and 15 swaps its candidate lists still show, b's 45 missing pages.
        assertEquals(45 + 30, a.deferredPages());
        assertEquals(45, b.deferredPages());
        shrinking.apply(a);
        growing.apply(b);
        HostPlacement next = planner.plan(100, 100, List.of(
                new PlacementPlanner.VmTarget(shrinking, 40), new PlacementPlanner.VmTarget(growing, 60)));
        // 45 forced demotions, 45 promotions for b, and the 10 pages left pay for 5 swaps inside a.
        assertEquals(50, next.vms().get(0).demote().length);
        assertArrayEquals(new long[] {127, 126, 125, 124, 123}, next.vms().get(0).promote());
        assertEquals(45, next.vms().get(1).promote().length);
        assertEquals(112, next.vms().get(1).promote()[0]);
        assertEquals(100, next.migratedPages());
    }

    @Test
    void withNobodyToGrowTheWholeBudgetGoesToForcedDemotions() {
        VmPageState vm = new VmPageState("a", 128, 64);
        for (long p = 0; p < 100; p++) {
            vm.setScore(p, p);
            vm.setFast(p, true);
        }
        HostPlacement plan = planner.plan(100, 30, List.of(new PlacementPlanner.VmTarget(vm, 40)));
        assertEquals(30, plan.vms().get(0).demote().length);
        assertEquals(30, plan.vms().get(0).deferredPages());
    }

    @org.junit.jupiter.api.Test
    void aNoiseAwareMarginKeepsPagesWhoseScoresDifferBySamplingNoise() {
        HeatMemoryScore memory = new HeatMemoryScore(16);
        PlacementPlanner fixedGap = new PlacementPlanner(0.1, 12);
        PlacementPlanner noiseAware = new PlacementPlanner(0.1, 12, memory::variance, 2);
        // Scores 40 (fast) and 70 (slow): 30 apart, past the fixed gap, but within two standard deviations
        // of the difference (2 x sqrt(var(40) + var(70)) = 43.2 at a half-life of 16 periods).
        assertEquals(1, swaps(fixedGap, 40, 70));
        assertEquals(0, swaps(noiseAware, 40, 70));
        // 40 and 100: 60 apart, past 2 x sqrt(var(40) + var(100)) = 45.6: they swap.
        assertEquals(1, swaps(noiseAware, 40, 100));
        // No sampling noise at the ends: a page never accessed against one accessed every period.
        assertEquals(0.0, memory.variance(0));
        assertEquals(0.0, memory.variance(255));
    }

    /** Swaps planned for one fast page scored {@code cold} and one slow page scored {@code hot}. */
    private static int swaps(PlacementPlanner planner, float cold, float hot) {
        VmPageState s = new VmPageState("vm", 64, 64);
        s.setFast(0, true);
        s.setScore(0, cold);
        s.setScore(1, hot);
        HostPlacement plan = planner.plan(1, 10, List.of(new PlacementPlanner.VmTarget(s, 1)));
        return plan.vms().get(0).promote().length;
    }
}
