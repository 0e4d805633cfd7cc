package io.tierscope.streams.heat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.tierscope.analytics.heat.ChunkHeat;
import io.tierscope.analytics.heat.GapPolicy;
import io.tierscope.analytics.heat.HeatTable;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LiveChunksTest {
    private static final int PAGES = 64;
    private static final long CHUNK_BYTES = PAGES * LiveChunks.BYTES_PER_PAGE;

    private static StoredChunk chunk() {
        return new StoredChunk(new ChunkHeat(HeatTable.fsm5(), GapPolicy.IDLE, 0, PAGES), 0, 0, true);
    }

    @Test
    void holdsChunksWhileTheBudgetHasRoomAndKeepsTheFirstOnes() {
        AtomicLong budget = new AtomicLong(2 * CHUNK_BYTES);
        LiveChunks live = new LiveChunks(PAGES, budget);
        StoredChunk a = chunk();
        StoredChunk b = chunk();
        live.offer("a", a);
        live.offer("b", b);
        live.offer("c", chunk());
        assertSame(a, live.get("a"));
        assertSame(b, live.get("b"));
        assertNull(live.get("c"), "no room: not held, and nothing held was dropped for it");
        assertEquals(0, budget.get());

        StoredChunk newer = chunk();
        live.offer("a", newer);
        assertSame(newer, live.get("a"), "a held chunk is replaced by what was written last, at no further cost");
        assertEquals(0, budget.get());
    }

    @Test
    void removeAndClearGiveTheBudgetBack() {
        AtomicLong budget = new AtomicLong(3 * CHUNK_BYTES);
        LiveChunks one = new LiveChunks(PAGES, budget);
        LiveChunks other = new LiveChunks(PAGES, budget);
        one.offer("a", chunk());
        one.offer("b", chunk());
        other.offer("c", chunk());
        other.offer("d", chunk());
        assertEquals(1, other.size(), "tasks share the budget");
        one.remove("a");
        one.remove("a");
        assertEquals(CHUNK_BYTES, budget.get());
        one.clear();
        assertEquals(0, one.size());
        assertEquals(2 * CHUNK_BYTES, budget.get());
        StoredChunk stored = chunk();
        assertSame(stored, one.getOrDefault("b", stored), "cleared: reads go to the store");
    }
}
