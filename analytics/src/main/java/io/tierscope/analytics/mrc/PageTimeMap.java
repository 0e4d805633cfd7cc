package io.tierscope.analytics.mrc;

/**
 * Open-addressing map from page number (>= 0) to a long value: linear probing, backward-shift
 * deletion, no boxing. Key and value share one array (slot i at [2i, 2i+1]) so a lookup touches
 * one cache line; load factor at most 1/2 keeps probes short.
 */
final class PageTimeMap {
    static final long MISSING = Long.MIN_VALUE;
    private static final long EMPTY = -1;

    private long[] table;
    private int mask;
    private int size;

    PageTimeMap(int expected) {
        int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        allocate(cap);
    }

    private void allocate(int cap) {
        table = new long[2 * cap];
        for (int i = 0; i < table.length; i += 2) {
            table[i] = EMPTY;
        }
        mask = cap - 1;
    }

    private int home(long key) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> 40) & mask;
    }

    /** Slot holding {@code key}, or {@code -(free slot) - 1} where it would go. */
    int find(long key) {
        for (int i = home(key); ; i = (i + 1) & mask) {
            long k = table[2 * i];
            if (k == key) {
                return i;
            }
            if (k == EMPTY) {
                return -i - 1;
            }
        }
    }

    long get(long key) {
        int i = find(key);
        return i >= 0 ? table[2 * i + 1] : MISSING;
    }

    void put(long key, long value) {
        int i = find(key);
        if (i >= 0) {
            table[2 * i + 1] = value;
        } else {
            insertAt(-i - 1, key, value);
        }
    }

    /** Inserts a key known to be absent into the free slot {@code find} reported. */
    void insertAt(int slot, long key, long value) {
        table[2 * slot] = key;
        table[2 * slot + 1] = value;
        if (++size * 2 > mask + 1) {
            grow();
        }
    }

    /** Removes {@code key}; returns its value or {@link #MISSING}. */
    long remove(long key) {
        int i = find(key);
        if (i < 0) {
            return MISSING;
        }
        long old = table[2 * i + 1];
        // Backward-shift: pull later entries of the probe run into the hole so lookups stay correct.
        int hole = i;
        for (int j = (hole + 1) & mask; table[2 * j] != EMPTY; j = (j + 1) & mask) {
            int h = home(table[2 * j]);
            boolean movable = hole <= j ? (h <= hole || h > j) : (h <= hole && h > j);
            if (movable) {
                table[2 * hole] = table[2 * j];
                table[2 * hole + 1] = table[2 * j + 1];
                hole = j;
            }
        }
        table[2 * hole] = EMPTY;
        size--;
        return old;
    }

    private void grow() {
        long[] old = table;
        allocate((mask + 1) * 2);
        size = 0;
        for (int i = 0; i < old.length; i += 2) {
            if (old[i] != EMPTY) {
                put(old[i], old[i + 1]);
            }
        }
    }

    int size() {
        return size;
    }

    int capacity() {
        return mask + 1;
    }

    /** Key in slot {@code i}, or -1 when the slot is empty (for iteration). */
    long keyAt(int i) {
        return table[2 * i];
    }

    long valueAt(int i) {
        return table[2 * i + 1];
    }

    void setValueAt(int i, long value) {
        table[2 * i + 1] = value;
    }

    long retainedBytes() {
        return 8L * table.length;
    }
}
