package io.tierscope.analytics.tiering.allocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * The greedy split equals a brute-force optimum (over every allocation on the step grid) of the
 * share-weighted expected misses on the hull, on small random hosts with random, cliffy curves.
 */
class AllocatorOptimalityPropertyTest {

    @Property(tries = 300)
    void greedyOnTheHullIsOptimal(@ForAll long seed, @ForAll @IntRange(min = 1, max = 3) int vmCount,
                                  @ForAll @IntRange(min = 1, max = 20) int step) {
        Random rnd = new Random(seed);
        List<VmDemand> vms = new ArrayList<>();
        long reservations = 0;
        for (int v = 0; v < vmCount; v++) {
            MissCurve curve = randomCurve(rnd);
            long reservation = rnd.nextInt(3) == 0 ? rnd.nextInt(30) : 0;
            // Limits on the step grid (or none): then the greedy is exact.
            long limit = rnd.nextBoolean() ? Long.MAX_VALUE : reservation + (long) step * rnd.nextInt(12);
            vms.add(new VmDemand("vm" + v, curve, rnd.nextInt(1000) + 1, rnd.nextInt(4), reservation, limit,
                    rnd.nextInt(200)));
            reservations += reservation;
        }
        long capacity = reservations + (long) step * rnd.nextInt(15);
        HostGrant grant = new FastMemoryAllocator(step).allocate(capacity, vms);

        long used = 0;
        double greedy = 0;
        for (int v = 0; v < vmCount; v++) {
            VmGrant g = grant.vms().get(v);
            VmDemand d = vms.get(v);
            assertTrue(g.fastPages() >= d.reservationPages() && g.fastPages() <= d.limitPages(), g.toString());
            used += g.fastPages();
            greedy += d.missWeight() * d.curve().hull().missRatioAt(g.fastPages());
        }
        assertEquals(capacity, used + grant.unallocatedPages());
        double best = bruteForce(vms, 0, capacity, step);
        assertEquals(best, greedy, 1e-6 * Math.max(1, best), "greedy " + greedy + " vs optimum " + best);
    }

    private static double bruteForce(List<VmDemand> vms, int v, long left, int step) {
        if (v == vms.size()) {
            return 0;
        }
        VmDemand d = vms.get(v);
        MissCurve hull = d.curve().hull();
        double best = Double.MAX_VALUE;
        for (long pages = d.reservationPages(); pages <= Math.min(d.limitPages(), left); pages += step) {
            double here = d.missWeight() * hull.missRatioAt(pages);
            best = Math.min(best, here + bruteForce(vms, v + 1, left - pages, step));
            if (pages >= d.limitPages()) {
                break;
            }
        }
        return best;
    }

    /** Descending random curve with occasional cliffs and plateaus, sizes up to a few hundred pages. */
    private static MissCurve randomCurve(Random rnd) {
        int points = 1 + rnd.nextInt(6);
        long[] sizes = new long[points];
        double[] ratios = new double[points];
        long size = rnd.nextInt(3) == 0 ? 0 : rnd.nextInt(40);
        double ratio = 1.0;
        for (int i = 0; i < points; i++) {
            sizes[i] = size;
            ratio = rnd.nextInt(4) == 0 ? ratio : ratio * rnd.nextDouble();
            ratios[i] = ratio;
            size += 1 + rnd.nextInt(60);
        }
        return new MissCurve(sizes, ratios);
    }
}
