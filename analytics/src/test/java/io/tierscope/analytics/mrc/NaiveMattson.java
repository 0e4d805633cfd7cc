package io.tierscope.analytics.mrc;

import java.util.ArrayList;
import java.util.List;

/** Textbook Mattson stack simulation (O(n) per reference): the oracle for the fast engines. */
final class NaiveMattson {
    private final List<Long> stack = new ArrayList<>();

    /** 1-based stack distance, or 0 on a first reference. */
    long access(long page) {
        int i = stack.indexOf(page);
        if (i >= 0) {
            stack.remove(i);
        }
        stack.add(0, page);
        return i < 0 ? 0 : i + 1;
    }

    int size() {
        return stack.size();
    }

    void remove(long page) {
        stack.remove(Long.valueOf(page));
    }

    /** Miss ratio of an LRU cache of {@code size} pages over {@code trace}, simulated directly. */
    static double missRatio(long[] trace, int size) {
        NaiveMattson m = new NaiveMattson();
        long misses = 0;
        for (long p : trace) {
            long d = m.access(p);
            if (d == 0 || d > size) {
                misses++;
            }
        }
        return (double) misses / trace.length;
    }
}
