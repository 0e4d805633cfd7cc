package io.tierscope.streams.heat;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The heat chunks of one task kept as objects between scans, so that a scan does not restore its chunk from
 * the store's bytes (unpack and check every state) first. Write-through: the store and its changelog get every
 * change as before ({@link HeatChunks}), this only saves the read. What is held equals what was last written;
 * a chunk whose update failed half-way is removed, and the task's chunks are cleared when it is initialised
 * (after a dirty close the store was restored from the changelog) or closed.
 *
 * <p>All tasks of the JVM share one budget, a quarter of the maximum heap at {@link #BYTES_PER_PAGE} bytes per
 * page of a chunk's size. A chunk is taken while the budget has room and kept until removed: the scans visit
 * every chunk once per period, and under that cyclic order evicting the least recently used would make every
 * read a miss once the budget is short, while keeping the first ones makes the budget's share of reads hits.
 */
final class LiveChunks {
    /** Upper bound of a live chunk's heap per page: access and write states (1 B each), window bitmaps, sampled counts (2 B). */
    static final long BYTES_PER_PAGE = 5;
    private static final AtomicLong BUDGET = new AtomicLong(Runtime.getRuntime().maxMemory() / 4);

    private final Map<String, StoredChunk> chunks = new HashMap<>();
    private final long bytesPerChunk;
    private final AtomicLong budget;

    LiveChunks(int chunkPages) {
        this(chunkPages, BUDGET);
    }

    /** With a budget of its own (tests). */
    LiveChunks(int chunkPages, AtomicLong budget) {
        this.bytesPerChunk = chunkPages * BYTES_PER_PAGE;
        this.budget = budget;
    }

    StoredChunk get(String key) {
        return chunks.get(key);
    }

    StoredChunk getOrDefault(String key, StoredChunk stored) {
        return chunks.getOrDefault(key, stored);
    }

    /** Holds {@code chunk} as the key's live chunk if it already has one or the budget has room. */
    void offer(String key, StoredChunk chunk) {
        if (chunks.containsKey(key)) {
            chunks.put(key, chunk);
        } else if (budget.addAndGet(-bytesPerChunk) >= 0) {
            chunks.put(key, chunk);
        } else {
            budget.addAndGet(bytesPerChunk);
        }
    }

    void remove(String key) {
        if (chunks.remove(key) != null) {
            budget.addAndGet(bytesPerChunk);
        }
    }

    void clear() {
        budget.addAndGet(bytesPerChunk * chunks.size());
        chunks.clear();
    }

    int size() {
        return chunks.size();
    }
}
