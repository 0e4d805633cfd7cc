package io.tierscope.analytics.mrc;

import java.util.Arrays;

/**
 * The reference baseline of US 9,223,722 B2: an LRU list whose elements carry a group (chunk)
 * number, groups of {@code groupSize} consecutive list positions, and a count array indexed by
 * group (the patent's Mattson count array at group granularity). A re-referenced page's group
 * number locates its stack distance to within a group; a walk inside the group makes it exact.
 * Moving the page to the head shifts the tail element of every earlier group into the next
 * group, so an access costs O(distance / groupSize + groupSize): the list walk the O(log n)
 * {@link LruStackDistance} replaces. Kept for tests and benchmarks.
 */
public final class ChunkedLruList {
    private static final int NIL = -1;

    private final int groupSize;
    private final PageTimeMap nodeOf = new PageTimeMap(1024);
    private int[] prev = new int[1024];
    private int[] next = new int[1024];
    private int[] group = new int[1024];
    private int[] groupTail = new int[64];
    private long[] counts = new long[64];
    private int head = NIL;
    private int size;

    public ChunkedLruList(int groupSize) {
        if (groupSize < 1) {
            throw new IllegalArgumentException("group size must be >= 1, got " + groupSize);
        }
        this.groupSize = groupSize;
    }

    /** Same contract as {@link LruStackDistance#access(long)}. */
    public long access(long page) {
        long found = nodeOf.get(page);
        if (found == PageTimeMap.MISSING) {
            insertCold(page);
            return LruStackDistance.COLD;
        }
        int x = (int) found;
        int g = group[x];
        int first = g == 0 ? head : next[groupTail[g - 1]];
        int pos = 1;
        for (int n = first; n != x; n = next[n]) {
            pos++;
        }
        long distance = (long) g * groupSize + pos;
        counts[g]++;
        if (distance == 1) {
            return distance;
        }
        if (groupTail[g] == x) {
            groupTail[g] = prev[x];
        }
        unlink(x);
        linkAtHead(x);
        group[x] = 0;
        shiftTails(g);
        return distance;
    }

    /** The count array: re-references per group of stack positions. */
    public long[] groupCounts() {
        return Arrays.copyOf(counts, groupCount());
    }

    public int size() {
        return size;
    }

    private int groupCount() {
        return (size + groupSize - 1) / groupSize;
    }

    private void insertCold(long page) {
        int x = size;
        if (x == prev.length) {
            prev = Arrays.copyOf(prev, x * 2);
            next = Arrays.copyOf(next, x * 2);
            group = Arrays.copyOf(group, x * 2);
        }
        int oldSize = size;
        // Old positions G, 2G, ... (tails of full groups) move one group down.
        int moving = oldSize / groupSize;
        if (moving + 1 >= groupTail.length) {
            groupTail = Arrays.copyOf(groupTail, groupTail.length * 2);
            counts = Arrays.copyOf(counts, counts.length * 2);
        }
        nodeOf.put(page, x);
        size++;
        if (oldSize == 0) {
            groupTail[0] = x;
        }
        if (moving > 0 && oldSize % groupSize == 0) {
            // All groups were full: the last one's tail starts a new group of its own.
            groupTail[moving] = groupTail[moving - 1];
        }
        linkAtHead(x);
        group[x] = 0;
        shiftTails(moving);
    }

    /** Moves the tails of groups 0..count-1 one group down, after the head insertion. */
    private void shiftTails(int count) {
        for (int i = 0; i < count; i++) {
            int t = groupTail[i];
            group[t] = i + 1;
            groupTail[i] = prev[t];
        }
    }

    private void unlink(int x) {
        if (prev[x] != NIL) {
            next[prev[x]] = next[x];
        } else {
            head = next[x];
        }
        if (next[x] != NIL) {
            prev[next[x]] = prev[x];
        }
    }

    private void linkAtHead(int x) {
        prev[x] = NIL;
        next[x] = head;
        if (head != NIL) {
            prev[head] = x;
        }
        head = x;
    }
}
