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
 * <p>Built {@linkplain #LruStackDistance(int, boolean) evictable}, it also knows which page is at
 * each time, so the least recently used page can be dropped ({@link #removeOldest()}): a bounded
 * LRU stack, as the exact head of a sampled engine needs.
 */
public final class LruStackDistance {
    /** What {@link #access} returns for a page not tracked before (a cold miss). */
    public static final long COLD = 0;
    private static final int MIN_CAPACITY = 1024;

    private final PageTimeMap lastTime;
    private final boolean evictable;

    private long[] marks;
    /** Marks per node of the tree over the words of {@link #marks}. */
    private int[] fenwick;
    /** Page last accessed at each time (evictable only; stale where the time is unmarked). */
    private long[] pageAt;
    /** No mark is at a time before this one (evictable only): where the search for the oldest starts. */
    private int oldest;
    private int capacity;
    private int now;
    /** Scratch for {@link #pagesInLruOrder(long[])}: marks in the words before each word. */
    private int[] wordBase;

    public LruStackDistance(int expectedPages) {
        this(expectedPages, false);
    }

    /** A tracker that, when {@code evictable}, can drop its least recently used page. */
    public LruStackDistance(int expectedPages, boolean evictable) {
        this.evictable = evictable;
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
        pageAt = evictable ? new long[cap] : null;
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
        if (evictable) {
            pageAt[time] = page;
        }
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

    /**
     * Stops tracking the least recently used page and returns it (evictable trackers only).
     * Amortised O(1): the search resumes where the previous one ended, since times only grow.
     *
     * @throws IllegalStateException when nothing is tracked or the tracker is not evictable
     */
    public long removeOldest() {
        if (!evictable || lastTime.size() == 0) {
            throw new IllegalStateException(evictable ? "nothing tracked" : "tracker is not evictable");
        }
        int w = oldest >>> 6;
        long bits = marks[w] & (-1L << (oldest & 63));
        while (bits == 0) {
            bits = marks[++w];
        }
        int time = (w << 6) + Long.numberOfTrailingZeros(bits);
        long page = pageAt[time];
        lastTime.remove(page);
        unmark(time);
        oldest = time + 1;
        return page;
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
                out[rank((int) lastTime.valueAt(i))] = page;
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
        if (evictable) {
            System.arraycopy(pages, 0, pageAt, 0, n);
        }
        markFirst(n);
    }

    /** Bytes held by the arrays of this structure. */
    public long retainedBytes() {
        // wordBase (snapshot/compaction scratch) counted whether or not allocated yet.
        return lastTime.retainedBytes() + 8L * marks.length + 4L * fenwick.length + 4L * marks.length
                + (pageAt == null ? 0 : 8L * pageAt.length);
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

    /** Marks at times {@code <= time}. */
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
        computeWordBase();
        for (int i = 0; i < lastTime.capacity(); i++) {
            long page = lastTime.keyAt(i);
            if (page >= 0) {
                int rank = rank((int) lastTime.valueAt(i));
                lastTime.setValueAt(i, rank);
                if (evictable) {
                    // Safe in place: pageAt is only written here, and ranks are read from the marks.
                    pageAt[rank] = page;
                }
            }
        }
        int wanted = capacityFor(n);
        if (wanted != capacity) {
            long[] pages = pageAt;
            allocate(wanted);
            if (evictable) {
                System.arraycopy(pages, 0, pageAt, 0, n);
            }
        } else {
            Arrays.fill(marks, 0);
            Arrays.fill(fenwick, 0);
        }
        markFirst(n);
    }

    /** Marks times 0..n-1 in cleared arrays and builds the tree over them in linear time; next time is n. */
    private void markFirst(int n) {
        for (int t = 0; t < n; t++) {
            marks[t >>> 6] |= 1L << t;
        }
        // Word counts, then push each node's sum to its parent.
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
        oldest = 0;
    }
}
