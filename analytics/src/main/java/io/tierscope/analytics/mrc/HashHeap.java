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

    long topHash() {
        return hash[0];
    }

    long topPage() {
        return page[0];
    }

    void pop() {
        long h = hash[--size];
        long p = page[size];
        int i = 0;
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
