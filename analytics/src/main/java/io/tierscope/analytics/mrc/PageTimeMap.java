package io.tierscope.analytics.mrc;

/**
 * Open-addressing map from page number (>= 0) to a long value, linear probing with
 * backward-shift deletion, no boxing. Load factor at most 1/2 keeps probes short.
 */
final class PageTimeMap {
    static final long MISSING = Long.MIN_VALUE;
    private static final long EMPTY = -1;

    private long[] keys;
    private long[] values;
    private int mask;
    private int size;

    PageTimeMap(int expected) {
        int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        allocate(cap);
    }

    private void allocate(int cap) {
        keys = new long[cap];
        values = new long[cap];
        java.util.Arrays.fill(keys, EMPTY);
        mask = cap - 1;
    }

    private int slot(long key) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> 40) & mask;
    }

    long get(long key) {
        for (int i = slot(key); ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == key) {
                return values[i];
            }
            if (k == EMPTY) {
                return MISSING;
            }
        }
    }

    void put(long key, long value) {
        int i = slot(key);
        while (true) {
            long k = keys[i];
            if (k == key) {
                values[i] = value;
                return;
            }
            if (k == EMPTY) {
                keys[i] = key;
                values[i] = value;
                if (++size * 2 > keys.length) {
                    grow();
                }
                return;
            }
            i = (i + 1) & mask;
        }
    }

    /** Removes {@code key}; returns its value or {@link #MISSING}. */
    long remove(long key) {
        int i = slot(key);
        while (true) {
            long k = keys[i];
            if (k == EMPTY) {
                return MISSING;
            }
            if (k == key) {
                break;
            }
            i = (i + 1) & mask;
        }
        long old = values[i];
        // Backward-shift: pull later entries of the probe run into the hole so lookups stay correct.
        int hole = i;
        for (int j = (hole + 1) & mask; keys[j] != EMPTY; j = (j + 1) & mask) {
            int home = slot(keys[j]);
            boolean movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
            if (movable) {
                keys[hole] = keys[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        keys[hole] = EMPTY;
        size--;
        return old;
    }

    private void grow() {
        long[] oldKeys = keys;
        long[] oldValues = values;
        allocate(keys.length * 2);
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }

    int size() {
        return size;
    }

    int capacity() {
        return keys.length;
    }

    /** Key in slot {@code i}, or -1 when the slot is empty (for iteration). */
    long keyAt(int i) {
        return keys[i];
    }

    long valueAt(int i) {
        return values[i];
    }

    void setValueAt(int i, long value) {
        values[i] = value;
    }

    long retainedBytes() {
        return 16L * keys.length;
    }
}
