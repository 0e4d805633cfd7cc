package io.tierscope.analytics.mrc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class StackDistancePropertiesTest {

    @Provide
    Arbitrary<long[]> traces() {
        // Small page alphabets give many re-references; lengths past 1024 force time compaction.
        return Arbitraries.integers().between(1, 300).flatMap(pages ->
                Arbitraries.longs().between(0, pages).array(long[].class).ofMinSize(0).ofMaxSize(3000));
    }

    @Property(tries = 150)
    void fenwickEngineEqualsNaiveMattson(@ForAll("traces") long[] trace) {
        LruStackDistance fast = new LruStackDistance(4);
        NaiveMattson naive = new NaiveMattson();
        for (int i = 0; i < trace.length; i++) {
            assertEquals(naive.access(trace[i]), fast.access(trace[i]), "reference " + i);
        }
    }

    /**
     * With pages switching class (heavy or not), inserted as heavy without a distance and removed,
     * the distance stays exact and {@code lastHeavyBetween} is the number of heavy pages above the
     * page in the naive stack (those used since its previous access), through time compactions.
     */
    @Property(tries = 150)
    void heavyMarksCountTheHeavyPagesBetween(@ForAll("traces") long[] trace, @ForAll long seed) {
        Random random = new Random(seed);
        LruStackDistance fast = new LruStackDistance(4);
        List<Long> stack = new ArrayList<>();
        Map<Long, Boolean> heavy = new HashMap<>();
        for (int i = 0; i < trace.length; i++) {
            long page = trace[i];
            int op = random.nextInt(10);
            int at = stack.indexOf(page);
            if (op == 0 && at >= 0) {
                boolean flip = !heavy.get(page);
                heavy.put(page, flip);
                assertEquals(true, fast.setHeavy(page, flip));
            } else if (op == 1 && at >= 0) {
                stack.remove(at);
                heavy.remove(page);
                assertEquals(true, fast.remove(page));
            } else if (op == 2 && at < 0) {
                stack.add(0, page);
                heavy.put(page, true);
                fast.insertHeavy(page);
            } else {
                long d = fast.access(page);
                if (at < 0) {
                    assertEquals(LruStackDistance.COLD, d, "reference " + i);
                    heavy.put(page, false);
                } else {
                    assertEquals(at + 1, d, "reference " + i);
                    int between = 0;
                    for (int j = 0; j < at; j++) {
                        between += heavy.get(stack.get(j)) ? 1 : 0;
                    }
                    assertEquals(between, fast.lastHeavyBetween(), "heavy pages between, reference " + i);
                    assertEquals(heavy.get(page), fast.lastWasHeavy(), "class of the page, reference " + i);
                    stack.remove(at);
                }
                stack.add(0, page);
            }
            assertEquals(heavy.values().stream().filter(b -> b).count(), fast.heavySize());
        }
    }

    @Property(tries = 150)
    void chunkedListEqualsNaiveMattson(@ForAll("traces") long[] trace, @ForAll @IntRange(min = 1, max = 9) int group) {
        ChunkedLruList chunked = new ChunkedLruList(group);
        NaiveMattson naive = new NaiveMattson();
        long[] counts = new long[trace.length + 1];
        for (int i = 0; i < trace.length; i++) {
            long d = naive.access(trace[i]);
            assertEquals(d, chunked.access(trace[i]), "reference " + i);
            if (d > 0) {
                counts[(int) ((d - 1) / group)]++;
            }
        }
        long[] groupCounts = chunked.groupCounts();
        for (int g = 0; g < groupCounts.length; g++) {
            assertEquals(counts[g], groupCounts[g], "count array, group " + g);
        }
    }

    @Property(tries = 100)
    void removalKeepsDistancesExact(@ForAll("traces") long[] trace, @ForAll long seed) {
        Random random = new Random(seed);
        LruStackDistance fast = new LruStackDistance(4);
        NaiveMattson naive = new NaiveMattson();
        for (long page : trace) {
            if (random.nextInt(5) == 0) {
                naive.remove(page);
                fast.remove(page);
            } else {
                assertEquals(naive.access(page), fast.access(page));
            }
        }
        List<Long> order = new ArrayList<>();
        NaiveMattson replay = new NaiveMattson();
        for (long p : fast.pagesInLruOrder()) {
            order.add(p);
            replay.access(p);
        }
        assertEquals(fast.size(), order.size());
        for (long p : trace) {
            assertEquals(replay.access(p), fast.access(p), "LRU order from pagesInLruOrder must be exact");
        }
    }

    /** Loading the LRU order into a fresh tracker (the restore path) gives one that measures every later distance alike. */
    @Property(tries = 100)
    void loadingTheLruOrderRebuildsAnEquivalentTracker(@ForAll("traces") long[] trace,
                                                       @ForAll @IntRange(min = 0, max = 100) int cutPercent) {
        int cut = trace.length * cutPercent / 100;
        LruStackDistance original = new LruStackDistance(4);
        for (int i = 0; i < cut; i++) {
            original.access(trace[i]);
        }
        long[] order = new long[original.size() + 3];
        assertEquals(original.size(), original.pagesInLruOrder(order));
        LruStackDistance loaded = new LruStackDistance(4);
        loaded.loadInLruOrder(order, original.size());
        assertEquals(original.size(), loaded.size());
        for (int i = cut; i < trace.length; i++) {
            assertEquals(original.access(trace[i]), loaded.access(trace[i]), "reference " + i);
        }
        assertArrayEquals(original.pagesInLruOrder(), loaded.pagesInLruOrder());
    }

    @Property(tries = 100)
    void pageTimeMapBehavesLikeHashMap(@ForAll("traces") long[] ops) {
        PageTimeMap map = new PageTimeMap(2);
        Map<Long, Long> oracle = new HashMap<>();
        for (int i = 0; i < ops.length; i++) {
            long k = ops[i];
            if (i % 3 == 2) {
                Long old = oracle.remove(k);
                assertEquals(old == null ? PageTimeMap.MISSING : old, map.remove(k));
            } else {
                oracle.put(k, (long) i);
                map.put(k, i);
            }
            assertEquals(oracle.size(), map.size());
        }
        for (long k = 0; k <= 300; k++) {
            Long v = oracle.get(k);
            assertEquals(v == null ? PageTimeMap.MISSING : v, map.get(k));
        }
    }

    @Property(tries = 50)
    void histogramBucketsTileTheDistanceRange(@ForAll @IntRange(min = 0, max = 3711) int b) {
        long lo = DistanceHistogram.lowerBound(b);
        long hi = lo + DistanceHistogram.width(b) - 1;
        assertArrayEquals(new int[] {b, b}, new int[] {DistanceHistogram.bucket(lo), DistanceHistogram.bucket(hi)});
        if (b + 1 < DistanceHistogram.BUCKETS) {
            assertEquals(hi + 1, DistanceHistogram.lowerBound(b + 1));
        }
    }
}
