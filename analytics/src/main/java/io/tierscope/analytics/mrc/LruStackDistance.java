package io.tierscope.analytics.mrc;

import java.util.Arrays;

/**
 * Exact LRU stack distances in O(log n) per reference (Mattson et al. 1970, computed the
 * Bennett-Kruskal way): every tracked page is marked at the logical time of its last access;
 * the distance of a re-reference is the number of marks after the page's previous time, plus
 * one. Marks live in a bitmap with a Fenwick tree over the popcounts of its 64-bit words, so
 * the tree is 64x smaller than the time range and stays in cache. Times are renumbered
 * (compacted) when they run out, O(n log n) at most once every n references: O(log n) amortised.
 */
public final class LruStackDistance {
    /** What {@link #access} returns for a page not tracked before (a cold miss). */
    public static final long COLD = 0;
    private static final int MIN_CAPACITY = 1024;

    private final PageTimeMap lastTime;
    private long[] marks;
    private int[] fenwick;
    private int capacity;
    private int now;

    public LruStackDistance(int expectedPages) {
        lastTime = new PageTimeMap(expectedPages);
        allocate(capacityFor(expectedPages));
    }

    private static int capacityFor(int pages) {
        return Math.max(MIN_CAPACITY, Integer.highestOneBit(Math.max(1, pages)) << 2);
    }

    private void allocate(int cap) {
        capacity = cap;
        marks = new long[cap >>> 6];
        fenwick = new int[marks.length + 1];
    }

    /**
     * Records an access to {@code page} and returns its 1-based LRU stack distance (1 = the most
     * recently used page again), or {@link #COLD} on its first access.
     */
    public long access(long page) {
        if (now == capacity) {
            compact();
        }
        int time = now++;
        int slot = lastTime.find(page);
        if (slot < 0) {
            lastTime.insertAt(-slot - 1, page, time);
            mark(time);
            return COLD;
        }
        int previous = (int) lastTime.valueAt(slot);
        lastTime.setValueAt(slot, time);
        // Marks at times <= previous, the page's own included; everything else is more recent.
        long distance = lastTime.size() - prefix(previous) + 1;
        unmark(previous);
        mark(time);
        return distance;
    }

    /** Stops tracking {@code page}; returns whether it was tracked. */
    public boolean remove(long page) {
        long t = lastTime.remove(page);
        if (t == PageTimeMap.MISSING) {
            return false;
        }
        unmark((int) t);
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
            if (lastTime.keyAt(i) >= 0) {
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
        return lastTime.retainedBytes() + 8L * marks.length + 4L * fenwick.length;
    }

    private void mark(int time) {
        marks[time >>> 6] |= 1L << time;
        for (int i = (time >>> 6) + 1; i < fenwick.length; i += i & -i) {
            fenwick[i]++;
        }
    }

    private void unmark(int time) {
        marks[time >>> 6] &= ~(1L << time);
        for (int i = (time >>> 6) + 1; i < fenwick.length; i += i & -i) {
            fenwick[i]--;
        }
    }

    /** Number of marks at times {@code <= time}. */
    private int prefix(int time) {
        int word = time >>> 6;
        int sum = Long.bitCount(marks[word] & (-1L >>> (63 - (time & 63))));
        for (int i = word; i > 0; i -= i & -i) {
            sum += fenwick[i];
        }
        return sum;
    }

    /** Renumbers live times to 0..n-1 in order and rebuilds the index, sized for >= n more accesses. */
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
        int wanted = capacityFor(n);
        if (wanted != capacity) {
            allocate(wanted);
        } else {
            Arrays.fill(marks, 0);
            Arrays.fill(fenwick, 0);
        }
        // Marks at 0..n-1; linear-time tree build: word counts, then push each node's sum to its parent.
        for (int t = 0; t < n; t++) {
            marks[t >>> 6] |= 1L << t;
        }
        for (int w = 0; w < marks.length; w++) {
            fenwick[w + 1] = Long.bitCount(marks[w]);
        }
        for (int i = 1; i < fenwick.length; i++) {
            int parent = i + (i & -i);
            if (parent < fenwick.length) {
                fenwick[parent] += fenwick[i];
            }
        }
        now = n;
    }
}
