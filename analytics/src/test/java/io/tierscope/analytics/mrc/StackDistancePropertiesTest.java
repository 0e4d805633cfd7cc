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
     * An evictable tracker bounded to {@code bound} pages by {@code removeOldest} is an exact LRU
     * stack of that size: distances within it match naive Mattson on the whole trace, a page
     * beyond it reads as cold, and the page removed is always the least recently used one.
     */
    @Property(tries = 150)
    void boundedTrackerKeepsTheTopOfTheStackExactly(@ForAll("traces") long[] trace,
                                                    @ForAll @IntRange(min = 1, max = 64) int bound) {
        LruStackDistance head = new LruStackDistance(4, true);
        NaiveMattson naive = new NaiveMattson();
        for (int i = 0; i < trace.length; i++) {
            long want = naive.access(trace[i]);
            long got = head.access(trace[i]);
            assertEquals(want != 0 && want <= bound ? want : 0, got, "reference " + i);
            if (head.size() > bound) {
                long[] order = head.pagesInLruOrder();
                assertEquals(order[0], head.removeOldest(), "evicted page, reference " + i);
            }
            assertEquals(Math.min(bound, naive.size()), head.size());
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
