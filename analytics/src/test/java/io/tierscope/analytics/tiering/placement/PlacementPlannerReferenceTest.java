package io.tierscope.analytics.tiering.placement;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The optimised planner (histogram selection, block summaries, priority queues) gives exactly the plan
 * of a plain one written from its contract: every VM's pages sorted, then the three steps (forced
 * demotions, promotions into free pages, swaps) taken one page at a time by scanning all VMs.
 */
class PlacementPlannerReferenceTest {

    @Property(tries = 60)
    void theOptimisedPlanEqualsAPlainSortBasedPlan(@ForAll long seed, @ForAll @IntRange(min = 1, max = 64) int vmCount,
                                                   @ForAll @IntRange(min = 0, max = 400) int budget) {
        Random rnd = new Random(seed);
        // Few distinct scores make ties; many make the cut fall inside a histogram bin.
        int distinct = 1 + rnd.nextInt(rnd.nextBoolean() ? 4 : 50_000);
        double tolerance = rnd.nextInt(3) == 0 ? 0 : rnd.nextDouble() * 0.5;
        double gap = rnd.nextInt(3) == 0 ? 0 : rnd.nextDouble() * 5;
        DoubleUnaryOperator variance = s -> s / 4;
        int sigmas = rnd.nextBoolean() ? 0 : 1 + rnd.nextInt(2);
        PlacementPlanner planner = sigmas == 0 ? new PlacementPlanner(tolerance, gap)
                : new PlacementPlanner(tolerance, gap, variance, sigmas);
        List<VmPageState> states = new ArrayList<>();
        long capacity = 64L * vmCount + rnd.nextInt(300 * vmCount);
        long used = 0;
        for (int v = 0; v < vmCount; v++) {
            VmPageState s = new VmPageState("vm" + v, 1 + rnd.nextInt(400), 64 << rnd.nextInt(2));
            int idle = rnd.nextInt(10);
            for (long p = 0; p < s.pageCount(); p++) {
                int kind = rnd.nextInt(10);
                s.setScore(p, kind < idle ? 0f : kind == 9 ? Float.NaN : (rnd.nextInt(distinct) + 1) * 0.37f);
                if (used < capacity && rnd.nextInt(3) == 0) {
                    s.setFast(p, true);
                    used++;
                }
                if (rnd.nextInt(8) == 0) {
                    s.setGuard(p, (byte) (1 + rnd.nextInt(2)));
                }
            }
            states.add(s);
        }
        List<PlacementPlanner.VmTarget> targets = new ArrayList<>();
        long left = capacity;
        for (VmPageState s : states) {
            // Some VMs shrink, some grow, some keep their share.
            long allowed = rnd.nextInt(4) == 0 ? s.fastPages() : rnd.nextInt((int) Math.min(left, 500) + 1);
            allowed = Math.min(allowed, left);
            left -= allowed;
            targets.add(new PlacementPlanner.VmTarget(s, allowed));
        }

        HostPlacement plan = planner.plan(capacity, budget, targets);
        List<VmMoves> expected = referencePlan(capacity, budget, targets, tolerance, gap, variance, sigmas);
        assertEquals(vmCount, plan.vms().size());
        for (int v = 0; v < vmCount; v++) {
            VmMoves got = plan.vms().get(v);
            VmMoves want = expected.get(v);
            assertEquals(want.vmId(), got.vmId());
            assertArrayEquals(want.demote(), got.demote(), "demotions of " + want.vmId());
            assertArrayEquals(want.promote(), got.promote(), "promotions of " + want.vmId());
            assertEquals(want.fastPagesAllowed(), got.fastPagesAllowed(), "allowed of " + want.vmId());
            assertEquals(want.fastPagesAfter(), got.fastPagesAfter(), "fast after of " + want.vmId());
            assertEquals(want.deferredPages(), got.deferredPages(), "deferred of " + want.vmId());
        }
    }

    /** A page as the reference sees it: its gfn and its ordering key (score bits, or pinned). */
    private record Page(long gfn, int key) {
        float score() {
            return Float.intBitsToFloat(key);
        }
    }

    private static int keyOf(float score) {
        return score > 0 && score >= Float.MIN_NORMAL && !Float.isNaN(score) ? Float.floatToRawIntBits(score) : 0;
    }

    private static List<VmMoves> referencePlan(long capacity, long budgetPages, List<PlacementPlanner.VmTarget> vms,
                                               double tolerance, double gap, DoubleUnaryOperator variance,
                                               double sigmas) {
        int n = vms.size();
        List<List<Page>> hot = new ArrayList<>();
        List<List<Page>> cold = new ArrayList<>();
        long[] allowed = new long[n];
        long[] fast = new long[n];
        long[] promotable = new long[n];
        long hostFast = 0;
        for (int v = 0; v < n; v++) {
            VmPageState s = vms.get(v).pages();
            List<Page> h = new ArrayList<>();
            List<Page> c = new ArrayList<>();
            for (long p = 0; p < s.pageCount(); p++) {
                int key = keyOf(s.score(p));
                if (s.isFast(p)) {
                    c.add(new Page(p, s.guard(p) == PageGuard.KEEP_FAST ? PageSelection.PINNED : key));
                } else if (key > 0 && s.guard(p) != PageGuard.KEEP_SLOW) {
                    h.add(new Page(p, key));
                }
            }
            promotable[v] = h.size();
            h.sort(Comparator.comparingInt((Page a) -> -a.key()).thenComparingLong(Page::gfn));
            c.sort(Comparator.comparingInt(Page::key).thenComparingLong(Page::gfn));
            hot.add(h.subList(0, (int) Math.min(h.size(), budgetPages)));
            cold.add(c.subList(0, (int) Math.min(c.size(), budgetPages)));
            allowed[v] = Math.min(vms.get(v).fastPagesAllowed(), s.pageCount());
            fast[v] = s.fastPages();
            hostFast += fast[v];
        }
        int[] demoted = new int[n];
        int[] promoted = new int[n];
        long growth = 0;
        for (int v = 0; v < n; v++) {
            if (fast[v] < allowed[v]) {
                growth += Math.min(allowed[v] - fast[v], hot.get(v).size());
            }
        }
        long reserved = Math.min(growth, budgetPages / 2);
        long budget = budgetPages - reserved;
        // 1. Forced demotions: the coldest next page of any VM over its allocation (lowest VM on ties).
        while (budget > 0) {
            int best = -1;
            for (int v = 0; v < n; v++) {
                if (fast[v] > allowed[v] && demoted[v] < cold.get(v).size() && (best < 0
                        || cold.get(v).get(demoted[v]).key() < cold.get(best).get(demoted[best]).key())) {
                    best = v;
                }
            }
            if (best < 0) {
                break;
            }
            demoted[best]++;
            fast[best]--;
            hostFast--;
            budget--;
        }
        // 2. Promotions into free fast pages: the hottest next page of any VM under its allocation.
        budget += reserved;
        while (budget > 0 && hostFast < capacity) {
            int best = -1;
            for (int v = 0; v < n; v++) {
                if (fast[v] < allowed[v] && promoted[v] < hot.get(v).size() && (best < 0
                        || hot.get(v).get(promoted[v]).key() > hot.get(best).get(promoted[best]).key())) {
                    best = v;
                }
            }
            if (best < 0) {
                break;
            }
            promoted[best]++;
            fast[best]++;
            hostFast++;
            budget--;
        }
        // 3. Swaps: the largest paying gain of any VM.
        while (budget >= 2) {
            int best = -1;
            double bestGain = 0;
            for (int v = 0; v < n; v++) {
                double g = gain(hot.get(v), cold.get(v), demoted[v], promoted[v], tolerance, gap, variance, sigmas);
                if (g >= 0 && (best < 0 || g > bestGain)) {
                    best = v;
                    bestGain = g;
                }
            }
            if (best < 0) {
                break;
            }
            demoted[best]++;
            promoted[best]++;
            budget -= 2;
        }
        List<VmMoves> out = new ArrayList<>();
        for (int v = 0; v < n; v++) {
            long deferred = Math.max(0, fast[v] - allowed[v]);
            if (allowed[v] > fast[v]) {
                deferred += Math.min(allowed[v] - fast[v], promotable[v] - promoted[v]);
            }
            for (int d = demoted[v], p = promoted[v];
                    gain(hot.get(v), cold.get(v), d, p, tolerance, gap, variance, sigmas) >= 0; d++, p++) {
                deferred += 2;
            }
            out.add(new VmMoves(vms.get(v).pages().vmId(), allowed[v], fast[v],
                    cold.get(v).subList(0, demoted[v]).stream().mapToLong(Page::gfn).toArray(),
                    hot.get(v).subList(0, promoted[v]).stream().mapToLong(Page::gfn).toArray(), deferred));
        }
        return out;
    }

    /** The gain of a VM's next swap, or -1 when there is none or it does not pay. */
    private static double gain(List<Page> hot, List<Page> cold, int d, int p, double tolerance, double gap,
                               DoubleUnaryOperator variance, double sigmas) {
        if (d >= cold.size() || p >= hot.size() || cold.get(d).key() == PageSelection.PINNED) {
            return -1;
        }
        double h = hot.get(p).score();
        double c = cold.get(d).score();
        boolean pays = h > c * (1 + tolerance) && h - c >= gap
                && (sigmas == 0 || h - c >= sigmas * Math.sqrt(variance.applyAsDouble(h) + variance.applyAsDouble(c)));
        return pays ? h - c : -1;
    }
}
