package io.tierscope.streams.state;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * A store of live, mutable values (e.g. MRC engines) kept as their snapshots in a changelogged key-value
 * store, written once per commit instead of once per change. {@link #put} marks a value dirty (no
 * serialization); the dirty values' snapshots are written into the inner store when Kafka Streams flushes
 * the store's cache before committing, so under exactly-once each commit's transaction carries, for every
 * key, the snapshot matching the committed input offsets.
 *
 * <p>Why {@link #flushCache()} and not {@code flush()}: in Kafka Streams 4.3.1 {@code StreamTask.prepareCommit}
 * calls {@code StreamTask.flush()}, which calls {@code ProcessorStateManager.flushCache()} (every registered
 * store that is a {@link CachedStateStore}: its {@code flushCache()}) and then {@code RecordCollector.flush()};
 * only then are the offsets committed (with the transaction under EOS). {@code StateStore.commit}/{@code flush}
 * come after, from {@code postCommit -> maybeCheckpoint}: too late for the transaction. (Read in
 * apache/kafka trunk 1eb7644 {@code StreamTask.prepareCommit/flush}, {@code ProcessorStateManager.flushCache},
 * and checked against the 4.3.1 jar's bytecode.) This store is what its {@link Builder} returns, so it is the
 * store registered with the state manager: it passes itself as {@code root} to the inner store's init.
 *
 * <p>At most {@code maxLive} values are held, least recently used dropped first; a dirty one is written
 * before it is dropped. {@link #close()} drops the live values without writing them: a clean close has
 * committed (flushed) first, and after a dirty close under EOS the state is wiped and restored from the
 * changelog, which holds the last commit's snapshots. {@link #init} and {@link #clearCache()} (the inner
 * store restored or updated directly, e.g. a standby promoted) drop them too.
 *
 * <p>Reached from a processor with {@code context.getStateStore(name)} as this class (it is not a
 * {@code KeyValueStore}, so Kafka Streams does not wrap it). Single-threaded, like every store of a task.
 */
public final class SnapshotOnCommitStore<V> implements StateStore, CachedStateStore<String, byte[]> {

    /** How a value becomes bytes and back. */
    public interface Codec<V> {
        byte[] encode(V value);

        /** The value of {@code key} stored as {@code bytes}, or null to treat it as absent (e.g. unreadable). */
        V decode(String key, byte[] bytes);
    }

    private final KeyValueStore<String, byte[]> inner;
    private final Codec<V> codec;
    private final int maxLive;
    private final LinkedHashMap<String, Live<V>> live;
    private long snapshotsWritten;

    private static final class Live<V> {
        V value;
        boolean dirty;

        Live(V value, boolean dirty) {
            this.value = value;
            this.dirty = dirty;
        }
    }

    public SnapshotOnCommitStore(KeyValueStore<String, byte[]> inner, Codec<V> codec, int maxLive) {
        if (maxLive < 1) {
            throw new IllegalArgumentException("maxLive must be >= 1, got " + maxLive);
        }
        this.inner = Objects.requireNonNull(inner);
        this.codec = Objects.requireNonNull(codec);
        this.maxLive = maxLive;
        this.live = new LinkedHashMap<>(16, 0.75f, true); // access order: the eldest is the least recently used
    }

    /** The live value of {@code key}: held, or decoded from its stored snapshot; null when there is none. */
    public V get(String key) {
        Live<V> held = live.get(key);
        if (held != null) {
            return held.value;
        }
        byte[] stored = inner.get(key);
        if (stored == null) {
            return null;
        }
        V value = codec.decode(key, stored);
        if (value != null) {
            hold(key, new Live<>(value, false));
        }
        return value;
    }

    /** Holds {@code value} as the live value of {@code key}; its snapshot is written at the next commit. */
    public void put(String key, V value) {
        Objects.requireNonNull(value, "value");
        Live<V> held = live.get(key);
        if (held != null) {
            held.value = value;
            held.dirty = true;
        } else {
            hold(key, new Live<>(value, true));
        }
    }

    /** Whether {@code key} has a live value or a stored snapshot (without decoding it). */
    public boolean contains(String key) {
        return live.containsKey(key) || inner.get(key) != null;
    }

    /**
     * The keys with a live value or a stored snapshot, ascending: a copy, so the caller may {@link #get}, {@link #put}
     * and {@link #delete} while going through it.
     */
    public List<String> keys() {
        TreeSet<String> keys = new TreeSet<>(live.keySet());
        try (KeyValueIterator<String, byte[]> stored = inner.all()) {
            stored.forEachRemaining(kv -> keys.add(kv.key));
        }
        return new ArrayList<>(keys);
    }

    /** Removes {@code key}'s live value and its stored snapshot. */
    public void delete(String key) {
        live.remove(key);
        inner.delete(key);
    }

    private void hold(String key, Live<V> value) {
        live.put(key, value);
        if (live.size() > maxLive) {
            Iterator<Map.Entry<String, Live<V>>> eldest = live.entrySet().iterator();
            Map.Entry<String, Live<V>> out = eldest.next();
            eldest.remove();
            if (out.getValue().dirty) {
                write(out.getKey(), out.getValue().value);
            }
        }
    }

    private void write(String key, V value) {
        inner.put(key, codec.encode(value));
        snapshotsWritten++;
    }

    /** Writes the snapshot of every value changed since the last write, once each. */
    private void writeDirty() {
        for (Map.Entry<String, Live<V>> e : live.entrySet()) {
            Live<V> v = e.getValue();
            if (v.dirty) {
                write(e.getKey(), v.value);
                v.dirty = false;
            }
        }
    }

    /** Values held in memory now. */
    public int liveCount() {
        return live.size();
    }

    /** Snapshots written into the inner store since this store was built (tests, metrics). */
    public long snapshotsWritten() {
        return snapshotsWritten;
    }

    /**
     * The stored snapshots (as of the last commit or eviction). Writing into it directly bypasses the live
     * values: only for seeding a store before any processing (tests).
     */
    public KeyValueStore<String, byte[]> stored() {
        return inner;
    }

    @Override
    public void flushCache() {
        writeDirty();
        if (inner instanceof CachedStateStore<?, ?> cached) {
            cached.flushCache();
        }
    }

    @Override
    public void clearCache() {
        live.clear();
        if (inner instanceof CachedStateStore<?, ?> cached) {
            cached.clearCache();
        }
    }

    @Override
    public boolean setFlushListener(CacheFlushListener<String, byte[]> listener, boolean sendOldValues) {
        return false;
    }

    @Override
    public void flush() {
        writeDirty();
        inner.flush();
    }

    @Override
    public void commit(Map<TopicPartition, Long> changelogOffsets) {
        writeDirty(); // nothing left by now: flushCache ran before the commit
        inner.commit(changelogOffsets);
    }

    @Override
    public Long committedOffset(TopicPartition partition) {
        return inner.committedOffset(partition);
    }

    @Override
    public boolean managesOffsets() {
        return inner.managesOffsets();
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        live.clear();
        inner.init(context, root);
    }

    @Override
    public void close() {
        live.clear();
        inner.close();
    }

    @Override
    public boolean persistent() {
        return inner.persistent();
    }

    @Override
    public boolean isOpen() {
        return inner.isOpen();
    }

    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        return inner.query(query, positionBound, config);
    }

    @Override
    public Position getPosition() {
        return inner.getPosition();
    }

    /** Builds the store around a key-value store of snapshots (logging, caching as that builder says). */
    public static <V> Builder<V> builder(StoreBuilder<KeyValueStore<String, byte[]>> snapshots, Codec<V> codec,
                                         int maxLive) {
        return new Builder<>(snapshots, codec, maxLive);
    }

    public static final class Builder<V> implements StoreBuilder<SnapshotOnCommitStore<V>> {
        private final StoreBuilder<KeyValueStore<String, byte[]>> snapshots;
        private final Codec<V> codec;
        private final int maxLive;

        private Builder(StoreBuilder<KeyValueStore<String, byte[]>> snapshots, Codec<V> codec, int maxLive) {
            this.snapshots = snapshots;
            this.codec = codec;
            this.maxLive = maxLive;
        }

        @Override
        public Builder<V> withCachingEnabled() {
            snapshots.withCachingEnabled();
            return this;
        }

        @Override
        public Builder<V> withCachingDisabled() {
            snapshots.withCachingDisabled();
            return this;
        }

        @Override
        public Builder<V> withLoggingEnabled(Map<String, String> config) {
            snapshots.withLoggingEnabled(config);
            return this;
        }

        @Override
        public Builder<V> withLoggingDisabled() {
            snapshots.withLoggingDisabled();
            return this;
        }

        @Override
        public SnapshotOnCommitStore<V> build() {
            return new SnapshotOnCommitStore<>(snapshots.build(), codec, maxLive);
        }

        @Override
        public Map<String, String> logConfig() {
            return snapshots.logConfig();
        }

        @Override
        public boolean loggingEnabled() {
            return snapshots.loggingEnabled();
        }

        @Override
        public String name() {
            return snapshots.name();
        }
    }
}
