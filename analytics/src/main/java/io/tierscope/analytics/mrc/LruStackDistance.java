package io.tierscope.analytics.mrc;

import java.util.Arrays;

/**
 * Exact LRU stack distances in O(log n) per reference (Mattson et al. 1970, computed the
 * Bennett-Kruskal way): every tracked page is marked at the logical time of its last access
 * in a Fenwick tree; the distance of a re-reference is the number of marks after the page's
 * previous time, plus one. Times are renumbered (compacted) when they run out, which costs
 * O(n log n) at most once every n references, so O(log n) amortised.
 */
public final class LruStackDistance {
    /** What {@link #access} returns for a page not tracked before (a cold miss). */
    public static final long COLD = 0;
    private static final int MIN_CAPACITY = 1024;

    private final PageTimeMap lastTime;
    private int[] fenwick;
    private int capacity;
    private int now;

    public LruStackDistance(int expectedPages) {
        lastTime = new PageTimeMap(expectedPages);
        capacity = Math.max(MIN_CAPACITY, Integer.highestOneBit(Math.max(1, expectedPages)) << 2);
        fenwick = new int[capacity + 1];
    }

    /**
     * Records an access to {@code page} and returns its 1-based LRU stack distance (1 = the most
     * recently used page again), or {@link #COLD} on its first access.
     */
    public long access(long page) {
        if (now == capacity) {
            compact();
        }
        long t = lastTime.get(page);
        int time = now++;
        if (t == PageTimeMap.MISSING) {
            lastTime.put(page, time);
            add(time, 1);
            return COLD;
        }
        int previous = (int) t;
        // Marks at times <= previous, the page's own included; everything else is more recent.
        long distance = lastTime.size() - prefix(previous) + 1;
        add(previous, -1);
        add(time, 1);
        lastTime.put(page, time);
        return distance;
    }

    /** Stops tracking {@code page}; returns whether it was tracked. */
    public boolean remove(long page) {
        long t = lastTime.remove(page);
        if (t == PageTimeMap.MISSING) {
            return false;
        }
        add((int) t, -1);
        return true;
    }

    public boolean contains(long page) {
        return lastTime.get(page) != PageTimeMap.MISSING;
    }

    /** Number of tracked pages. */
    public int size() {
        return lastTime.size();
    }

    /** The tracked pages from least to most recently used. */
    public long[] pagesInLruOrder() {
        int n = lastTime.size();
        long[] packed = new long[n];
        int j = 0;
        for (int i = 0; i < lastTime.capacity(); i++) {
            long k = lastTime.keyAt(i);
            if (k >= 0) {
                packed[j++] = lastTime.valueAt(i);
            }
        }
        Arrays.sort(packed);
        long[] timeToPage = new long[n];
        for (int i = 0; i < lastTime.capacity(); i++) {
            long k = lastTime.keyAt(i);
            if (k >= 0) {
                timeToPage[Arrays.binarySearch(packed, lastTime.valueAt(i))] = k;
            }
        }
        return timeToPage;
    }

    /** Bytes held by the arrays of this structure. */
    public long retainedBytes() {
        return lastTime.retainedBytes() + 4L * fenwick.length;
    }

    private void add(int time, int delta) {
        for (int i = time + 1; i <= capacity; i += i & -i) {
            fenwick[i] += delta;
        }
    }

    /** Number of marks at times {@code <= time}. */
    private int prefix(int time) {
        int sum = 0;
        for (int i = time + 1; i > 0; i -= i & -i) {
            sum += fenwick[i];
        }
        return sum;
    }

    /** Renumbers live times to 0..n-1 in order and rebuilds the tree, sized for >= n more accesses. */
    private void compact() {
        int n = lastTime.size();
        long[] times = new long[n];
        int j = 0;
        for (int i = 0; i < lastTime.capacity(); i++) {
            if (lastTime.keyAt(i) >= 0) {
                times[j++] = lastTime.valueAt(i);
            }
        }
        Arrays.sort(times);
        for (int i = 0; i < lastTime.capacity(); i++) {
            if (lastTime.keyAt(i) >= 0) {
                lastTime.setValueAt(i, Arrays.binarySearch(times, lastTime.valueAt(i)));
            }
        }
        int wanted = Math.max(MIN_CAPACITY, Integer.highestOneBit(Math.max(1, n)) << 2);
        if (wanted != capacity) {
            capacity = wanted;
            fenwick = new int[capacity + 1];
        } else {
            Arrays.fill(fenwick, 0);
        }
        // Linear-time build: marks at 0..n-1, then push each node's sum to its parent.
        for (int t = 0; t < n; t++) {
            fenwick[t + 1] = 1;
        }
        for (int i = 1; i <= capacity; i++) {
            int parent = i + (i & -i);
            if (parent <= capacity) {
                fenwick[parent] += fenwick[i];
            }
        }
        now = n;
    }
}
