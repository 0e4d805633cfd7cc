package io.tierscope.analytics.mrc;

import java.util.Arrays;

/**
 * Exact LRU stack distances in O(log n) per reference (Mattson et al. 1970, computed the
 * Bennett-Kruskal way): every tracked page is marked at the logical time of its last access;
 * the distance of a re-reference is the number of marks after the page's previous time, plus
 * one. Marks live in a bitmap with a Fenwick tree over the popcounts of its 64-bit words, so
 * the tree is 64x smaller than the time range and stays in cache. Times are renumbered
 * (compacted) when they run out, O(n log n) at most once every n references: O(log n) amortised.
 *
 * <p>Pages are of two classes for hybrid sampling (heavy head tracked exactly, tail sampled):
 * a second bitmap marks the times of heavy pages, and the tree holds both counts packed in one
 * long (all marks low, heavy marks high 32 bits), so one O(log n) walk yields both and a caller
 * can weight the two classes differently (Carra and Neglia, heavy-tailed MRCs: exact head,
 * sampled tail). {@link #lastHeavyBetween()} reports the heavy part of the latest distance.
 */
public final class LruStackDistance {
    /** What {@link #access} returns for a page not tracked before (a cold miss). */
    public static final long COLD = 0;
    private static final int MIN_CAPACITY = 1024;

    private final PageTimeMap lastTime;
    private static final long HEAVY_FLAG = 1L << 32;
    private static final long TIME_MASK = HEAVY_FLAG - 1;
    private static final long HEAVY_ONE = 1L << 32;

    private long[] marks;
    private long[] heavyMarks;
    /** Packed counts per node: marks in the low 32 bits, heavy marks in the high 32. */
    private long[] fenwick;
    private int heavyCount;
    private int lastHeavyBetween;
    private boolean lastWasHeavy;
    private int capacity;
    private int now;
    /** Scratch for {@link #pagesInLruOrder(long[])}: marks in the words before each word. */
    private int[] wordBase;

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
        heavyMarks = new long[cap >>> 6];
        fenwick = new long[marks.length + 1];
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
            mark(time, false);
            lastHeavyBetween = 0;
            lastWasHeavy = false;
            return COLD;
        }
        long value = lastTime.valueAt(slot);
        int previous = (int) (value & TIME_MASK);
        boolean heavy = (value & HEAVY_FLAG) != 0;
        lastTime.setValueAt(slot, (value & HEAVY_FLAG) | time);
        // Marks at times <= previous, the page's own included; everything else is more recent.
        long before = prefix(previous);
        long distance = lastTime.size() - (int) before + 1;
        lastHeavyBetween = heavyCount - (int) (before >>> 32);
        lastWasHeavy = heavy;
        unmark(previous, heavy);
        mark(time, heavy);
        return distance;
    }

    /**
     * How many of the pages counted in the latest {@link #access} distance are heavy (the page
     * itself excluded: those accessed strictly between its previous access and now); 0 after a
     * cold access.
     */
    public int lastHeavyBetween() {
        return lastHeavyBetween;
    }

    /** Whether the page of the latest {@link #access} is heavy. */
    public boolean lastWasHeavy() {
        return lastWasHeavy;
    }

    /** Number of tracked heavy pages. */
    public int heavySize() {
        return heavyCount;
    }

    public boolean isHeavy(long page) {
        long v = lastTime.get(page);
        return v != PageTimeMap.MISSING && (v & HEAVY_FLAG) != 0;
    }

    /**
     * Moves tracked {@code page} into the heavy class or out of it, keeping its access time;
     * returns false when the page is not tracked.
     */
    public boolean setHeavy(long page, boolean heavy) {
        int slot = lastTime.find(page);
        if (slot < 0) {
            return false;
        }
        long value = lastTime.valueAt(slot);
        boolean was = (value & HEAVY_FLAG) != 0;
        if (was != heavy) {
            int time = (int) (value & TIME_MASK);
            unmark(time, was);
            mark(time, heavy);
            lastTime.setValueAt(slot, heavy ? value | HEAVY_FLAG : value & ~HEAVY_FLAG);
        }
        return true;
    }

    /**
     * Starts tracking {@code page} (not tracked) as a heavy page accessed now, without a distance:
     * a page promoted to the heavy class has no earlier history.
     */
    public void insertHeavy(long page) {
        if (now == capacity) {
            compact();
        }
        int time = now++;
        int slot = lastTime.find(page);
        if (slot >= 0) {
            throw new IllegalStateException("page " + page + " is already tracked");
        }
        lastTime.insertAt(-slot - 1, page, HEAVY_FLAG | time);
        mark(time, true);
    }

    /** Stops tracking {@code page}; returns whether it was tracked. */
    public boolean remove(long page) {
        long t = lastTime.remove(page);
        if (t == PageTimeMap.MISSING) {
            return false;
        }
        unmark((int) (t & TIME_MASK), (t & HEAVY_FLAG) != 0);
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
        long[] pages = new long[size()];
        pagesInLruOrder(pages);
        return pages;
    }

    /**
     * Writes the tracked pages from least to most recently used into {@code out[0, size())} and
     * returns {@link #size()}. Linear time: a page's rank in time order is the number of marks
     * before its time, read from per-word running counts of the mark bitmap (no sort).
     */
    public int pagesInLruOrder(long[] out) {
        int n = lastTime.size();
        if (out.length < n) {
            throw new IllegalArgumentException("output holds " + out.length + " pages, " + n + " tracked");
        }
        computeWordBase();
        for (int i = 0; i < lastTime.capacity(); i++) {
            long page = lastTime.keyAt(i);
            if (page >= 0) {
                out[rank((int) (lastTime.valueAt(i) & TIME_MASK))] = page;
            }
        }
        return n;
    }

    /**
     * Starts tracking {@code pages[0, n)} as if accessed once each in that order (least recently
     * used first), in linear time; the structure must be empty. Equivalent to calling
     * {@link #access} for each page, without its per-reference tree updates.
     *
     * @throws IllegalArgumentException if a page repeats or is negative, or pages are already tracked
     */
    public void loadInLruOrder(long[] pages, int n) {
        if (lastTime.size() != 0) {
            throw new IllegalStateException("loadInLruOrder needs an empty tracker, it has " + size() + " pages");
        }
        for (int i = 0; i < n; i++) {
            long page = pages[i];
            if (page < 0) {
                throw new IllegalArgumentException("negative page " + page + " at LRU position " + i);
            }
            int slot = lastTime.find(page);
            if (slot >= 0) {
                throw new IllegalArgumentException("page " + page + " repeats at LRU position " + i);
            }
            lastTime.insertAt(-slot - 1, page, i);
        }
        int wanted = capacityFor(n);
        if (wanted > capacity) {
            allocate(wanted);
        }
        markFirst(n);
    }

    /** Bytes held by the arrays of this structure. */
    public long retainedBytes() {
        // wordBase (snapshot/compaction scratch) counted whether or not allocated yet.
        return lastTime.retainedBytes() + 16L * marks.length + 8L * fenwick.length + 4L * marks.length;
    }

    private void mark(int time, boolean heavy) {
        marks[time >>> 6] |= 1L << time;
        long add = 1;
        if (heavy) {
            heavyMarks[time >>> 6] |= 1L << time;
            heavyCount++;
            add += HEAVY_ONE;
        }
        for (int i = (time >>> 6) + 1; i < fenwick.length; i += i & -i) {
            fenwick[i] += add;
        }
    }

    private void unmark(int time, boolean heavy) {
        marks[time >>> 6] &= ~(1L << time);
        long sub = 1;
        if (heavy) {
            heavyMarks[time >>> 6] &= ~(1L << time);
            heavyCount--;
            sub += HEAVY_ONE;
        }
        for (int i = (time >>> 6) + 1; i < fenwick.length; i += i & -i) {
            fenwick[i] -= sub;
        }
    }

    /** Fills {@link #wordBase}: the number of marks in the words before each word. */
    private void computeWordBase() {
        if (wordBase == null || wordBase.length != marks.length) {
            wordBase = new int[marks.length];
        }
        int running = 0;
        for (int w = 0; w < marks.length; w++) {
            wordBase[w] = running;
            running += Long.bitCount(marks[w]);
        }
    }

    /** Number of marks at times before the marked {@code time} (its 0-based rank), after {@link #computeWordBase}. */
    private int rank(int time) {
        return wordBase[time >>> 6] + Long.bitCount(marks[time >>> 6] & ((1L << time) - 1));
    }

    /** Marks at times {@code <= time} (low 32 bits) and heavy marks among them (high 32 bits). */
    private long prefix(int time) {
        int word = time >>> 6;
        long keep = -1L >>> (63 - (time & 63));
        long sum = Long.bitCount(marks[word] & keep) + ((long) Long.bitCount(heavyMarks[word] & keep) << 32);
        for (int i = word; i > 0; i -= i & -i) {
            sum += fenwick[i];
        }
        return sum;
    }

    /** Renumbers live times to 0..n-1 in order and rebuilds the index, sized for >= n more accesses. */
    private void compact() {
        int n = lastTime.size();
        computeWordBase();
        for (int i = 0; i < lastTime.capacity(); i++) {
            if (lastTime.keyAt(i) >= 0) {
                long v = lastTime.valueAt(i);
                lastTime.setValueAt(i, (v & HEAVY_FLAG) | rank((int) (v & TIME_MASK)));
            }
        }
        int wanted = capacityFor(n);
        if (wanted != capacity) {
            allocate(wanted);
        } else {
            Arrays.fill(marks, 0);
            Arrays.fill(heavyMarks, 0);
            Arrays.fill(fenwick, 0);
        }
        markFirst(n);
    }

    /** Marks times 0..n-1 in cleared arrays and builds the tree over them in linear time; next time is n. */
    private void markFirst(int n) {
        for (int t = 0; t < n; t++) {
            marks[t >>> 6] |= 1L << t;
        }
        heavyCount = 0;
        for (int i = 0; i < lastTime.capacity(); i++) {
            long v = lastTime.valueAt(i);
            if (lastTime.keyAt(i) >= 0 && (v & HEAVY_FLAG) != 0) {
                int t = (int) (v & TIME_MASK);
                heavyMarks[t >>> 6] |= 1L << t;
                heavyCount++;
            }
        }
        // Word counts, then push each node's sum to its parent.
        for (int w = 0; w < marks.length; w++) {
            fenwick[w + 1] = Long.bitCount(marks[w]) + ((long) Long.bitCount(heavyMarks[w]) << 32);
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
