package io.tierscope.streams.state;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SnapshotOnCommitStoreTest {
    /** A mutable value, like an engine: its snapshot is its count. */
    static final class Counter {
        long n;

        Counter(long n) {
            this.n = n;
        }
    }

    private final SnapshotOnCommitStore.Codec<Counter> codec = new SnapshotOnCommitStore.Codec<>() {
        @Override
        public byte[] encode(Counter value) {
            return ByteBuffer.allocate(8).putLong(value.n).array();
        }

        @Override
        public Counter decode(String key, byte[] bytes) {
            return bytes.length == 8 ? new Counter(ByteBuffer.wrap(bytes).getLong()) : null;
        }
    };
    private SnapshotOnCommitStore<Counter> store;

    @BeforeEach
    void open() {
        store = storeOf(3);
    }

    private SnapshotOnCommitStore<Counter> storeOf(int maxLive) {
        SnapshotOnCommitStore<Counter> s = SnapshotOnCommitStore.builder(Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore("counters"), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled().withCachingDisabled(), codec, maxLive).build();
        s.init(new MockProcessorContext<>().getStateStoreContext(), s);
        return s;
    }

    private long stored(String key) {
        byte[] bytes = store.stored().get(key);
        return bytes == null ? -1 : ByteBuffer.wrap(bytes).getLong();
    }

    @Test
    void theCommitFlushWritesEveryChangedValueExactlyOnceWithItsLatestState() {
        Counter a = new Counter(1);
        store.put("a", a);
        a.n = 2;
        store.put("a", a);
        a.n = 3;
        store.put("a", a);
        store.put("b", new Counter(10));
        assertEquals(-1, stored("a"), "nothing written before the commit");
        assertEquals(0, store.snapshotsWritten());

        store.flushCache();
        assertEquals(2, store.snapshotsWritten(), "a and b, once each");
        assertEquals(3, stored("a"));
        assertEquals(10, stored("b"));

        store.flushCache();
        assertEquals(2, store.snapshotsWritten(), "nothing changed since: nothing written");
        a.n = 4;
        store.put("a", a);
        store.commit(Map.of());
        assertEquals(3, store.snapshotsWritten());
        assertEquals(4, stored("a"));
    }

    @Test
    void aReadAfterAWriteSeesTheLiveValueNotADecodedCopy() {
        Counter a = new Counter(7);
        store.put("a", a);
        assertSame(a, store.get("a"));
        store.flushCache();
        assertSame(a, store.get("a"), "still the live one after the commit");
        assertTrue(store.contains("a"));
        assertFalse(store.contains("z"));
        assertNull(store.get("z"));
    }

    @Test
    void evictingAChangedValueWritesItFirstAndAnUnchangedOneIsNotWritten() {
        store = storeOf(2);
        store.put("a", new Counter(1));
        store.put("b", new Counter(2));
        store.flushCache();
        store.get("a"); // b is now the least recently used
        store.put("c", new Counter(3)); // evicts b, unchanged since the commit
        assertEquals(2, store.snapshotsWritten());
        assertEquals(2, store.liveCount());
        store.get("a").n = 11;
        store.put("a", store.get("a"));
        store.put("d", new Counter(4)); // evicts c (changed, never written): written first
        assertEquals(3, store.snapshotsWritten());
        assertEquals(3, stored("c"));
        store.put("e", new Counter(5)); // evicts a (changed): written first
        assertEquals(11, stored("a"));
        assertEquals(11, store.get("a").n, "decoded back from its snapshot");
        assertEquals(2, store.liveCount());
    }

    @Test
    void deleteRemovesTheLiveValueAndItsSnapshot() {
        store.put("a", new Counter(1));
        store.flushCache();
        store.delete("a");
        assertNull(store.get("a"));
        assertArrayEquals(null, store.stored().get("a"));
        store.flushCache();
        assertNull(store.stored().get("a"), "not written back at the commit");
    }

    @Test
    void closeDropsUncommittedChangesTheChangelogRestoresTheLastCommit() {
        store.put("a", new Counter(1));
        store.flushCache();
        store.get("a").n = 99;
        store.put("a", store.get("a"));
        store.clearCache(); // the inner store was restored from the changelog: the live values are stale
        assertEquals(1, store.get("a").n);
        store.get("a").n = 50;
        store.put("a", store.get("a"));
        store.close();
        assertEquals(0, store.liveCount());
        assertEquals(1, store.snapshotsWritten(), "a dirty close writes nothing");
    }

    @Test
    void anUnreadableSnapshotIsAbsent() {
        KeyValueStore<String, byte[]> inner = store.stored();
        inner.put("bad", new byte[] {1, 2});
        assertNull(store.get("bad"));
        assertTrue(store.contains("bad"));
    }

    @Test
    void keysListLiveAndStoredValuesOnceEachAndMayBeDeletedWhileListed() {
        store.put("b", new Counter(1));
        store.flushCache(); // b stored
        store.put("a", new Counter(2)); // a live only
        store.stored().put("c", codec.encode(new Counter(3))); // c stored only
        assertEquals(java.util.List.of("a", "b", "c"), store.keys());
        for (String key : store.keys()) {
            store.delete(key);
        }
        assertEquals(java.util.List.of(), store.keys());
        assertNull(store.get("a"));
    }
}
