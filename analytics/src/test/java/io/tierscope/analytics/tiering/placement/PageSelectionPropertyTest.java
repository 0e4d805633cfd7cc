package io.tierscope.analytics.tiering.placement;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/** Histogram selection gives exactly the prefixes a full sort by (score, gfn) gives, refined or not. */
class PageSelectionPropertyTest {

    @Property(tries = 200)
    void selectionEqualsAFullSort(@ForAll long seed, @ForAll @IntRange(min = 0, max = 3000) int pages,
                                  @ForAll @IntRange(min = 0, max = 400) int maxHot,
                                  @ForAll @IntRange(min = 0, max = 400) int maxCold,
                                  @ForAll @IntRange(min = 0, max = 300) int maxSurplus) {
        Random rnd = new Random(seed);
        VmPageState vm = new VmPageState("vm", pages, 256);
        int distinct = 1 + rnd.nextInt(rnd.nextBoolean() ? 5 : 100_000);
        for (long p = 0; p < pages; p++) {
            int kind = rnd.nextInt(10);
            float score = kind == 0 ? 0f : kind == 1 ? -1f : kind == 2 ? Float.NaN
                    : (rnd.nextInt(distinct) + 1) * (rnd.nextBoolean() ? 1e-3f : 7.5f);
            vm.setScore(p, score);
            vm.setFast(p, rnd.nextInt(3) == 0);
            int g = rnd.nextInt(8);
            if (g < 2) {
                vm.setGuard(p, g == 0 ? PageGuard.KEEP_SLOW : PageGuard.KEEP_FAST);
            }
        }
        // A small surplus makes crowded cut bins go through the refinement pass, a large one through the sort.
        PageSelection sel = PageSelection.select(vm, maxHot, maxCold, maxSurplus);

        List<long[]> hot = new ArrayList<>();
        List<long[]> cold = new ArrayList<>();
        for (long p = 0; p < pages; p++) {
            float s = vm.score(p);
            long key = s > 0 ? Float.floatToRawIntBits(s) : 0;
            if (vm.isFast(p)) {
                cold.add(new long[] {vm.guard(p) == PageGuard.KEEP_FAST ? Integer.MAX_VALUE : key, p});
            } else if (key > 0 && vm.guard(p) != PageGuard.KEEP_SLOW) {
                hot.add(new long[] {key, p});
            }
        }
        hot.sort(Comparator.<long[]>comparingLong(a -> -a[0]).thenComparingLong(a -> a[1]));
        cold.sort(Comparator.<long[]>comparingLong(a -> a[0]).thenComparingLong(a -> a[1]));
        assertArrayEquals(hot.stream().limit(maxHot).mapToLong(a -> a[1]).toArray(), sel.hotGfns);
        assertArrayEquals(cold.stream().limit(maxCold).mapToLong(a -> a[1]).toArray(), sel.coldGfns);
    }
}
