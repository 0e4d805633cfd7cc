package io.tierscope.analytics.heat;

import java.util.Arrays;

/** Growable primitive long list, so collecting changed gfns never boxes. */
final class GfnBuffer {
    private long[] values = new long[16];
    private int size;

    void add(long gfn) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = gfn;
    }

    int size() {
        return size;
    }

    long[] toArray() {
        return Arrays.copyOf(values, size);
    }
}
