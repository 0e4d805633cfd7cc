package io.tierscope.streams.heat;

import java.util.AbstractList;
import java.util.RandomAccess;

/** A read-only List view of a long[] for Avro array fields, so gfn lists are not copied into boxed lists. */
final class LongListView extends AbstractList<Long> implements RandomAccess {
    private final long[] values;

    private LongListView(long[] values) {
        this.values = values;
    }

    static LongListView of(long[] values) {
        return new LongListView(values);
    }

    @Override
    public Long get(int index) {
        return values[index];
    }

    @Override
    public int size() {
        return values.length;
    }
}
