package io.tierscope.analytics.mrc;

import java.util.Arrays;

/**
 * Binary max-heap of (hash, page) pairs in two parallel arrays: the fixed-size sampler's
 * priority structure, whose top is the tracked page with the largest hash (the next to evict
 * when the threshold is lowered, SHARDS §4.2).
 */
final class HashHeap {
    private long[] hash;
    private long[] page;
    private int size;

    HashHeap(int expected) {
        hash = new long[Math.max(16, expected)];
        page = new long[hash.length];
    }

    void push(long h, long p) {
        if (size == hash.length) {
            hash = Arrays.copyOf(hash, size * 2);
            page = Arrays.copyOf(page, size * 2);
        }
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (hash[parent] >= h) {
                break;
            }
            hash[i] = hash[parent];
            page[i] = page[parent];
            i = parent;
        }
        hash[i] = h;
        page[i] = p;
    }

    /** Adds a pair without ordering; call {@link #heapify()} before the next push, top or pop. */
    void append(long h, long p) {
        if (size == hash.length) {
            hash = Arrays.copyOf(hash, size * 2);
            page = Arrays.copyOf(page, size * 2);
        }
        hash[size] = h;
        page[size++] = p;
    }

    /** Restores the heap order after {@link #append}s in linear time (Floyd's bottom-up build). */
    void heapify() {
        for (int i = (size >>> 1) - 1; i >= 0; i--) {
            siftDown(i, hash[i], page[i]);
        }
    }

    long topHash() {
        return hash[0];
    }

    long topPage() {
        return page[0];
    }

    void pop() {
        size--;
        siftDown(0, hash[size], page[size]);
    }

    /** Places (h, p) at or below {@code i}, moving larger children up. */
    private void siftDown(int i, long h, long p) {
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) {
                break;
            }
            if (child + 1 < size && hash[child + 1] > hash[child]) {
                child++;
            }
            if (hash[child] <= h) {
                break;
            }
            hash[i] = hash[child];
            page[i] = page[child];
            i = child;
        }
        hash[i] = h;
        page[i] = p;
    }

    int size() {
        return size;
    }

    long retainedBytes() {
        return 16L * hash.length;
    }
}
