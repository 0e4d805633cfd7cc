package io.tierscope.streams.heat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.tierscope.analytics.heat.ChunkHeat;
import io.tierscope.analytics.heat.GapPolicy;
import io.tierscope.analytics.heat.HeatBit;
import io.tierscope.analytics.heat.HeatOrder;
import io.tierscope.analytics.heat.HeatTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class HottestPagesTest {
    /** Chunk by chunk gives what HeatOrder gives over the whole VM at once, ties and all. */
    @Property(tries = 200)
    void mergingChunkByChunkEqualsOrderingTheWholeVm(@ForAll @IntRange(min = 1, max = 6) int chunkCount,
                                                     @ForAll @IntRange(min = 0, max = 40) int limit,
                                                     @ForAll boolean history, @ForAll long seed) {
        HeatTable table = history ? HeatTable.byName("history-k4-hot3") : HeatTable.fsm5();
        Random random = new Random(seed);
        List<ChunkHeat> chunks = new ArrayList<>();
        for (int c = 0; c < chunkCount; c++) {
            int pages = 8 + random.nextInt(3) * 8;
            ChunkHeat chunk = new ChunkHeat(table, GapPolicy.IDLE, c * 32L, pages);
            for (int seq = 0; seq < 5; seq++) {
                byte[] bitmap = new byte[pages / 8];
                for (int i = 0; i < bitmap.length; i++) {
                    bitmap[i] = (byte) (random.nextInt(4) == 0 ? random.nextInt(256) : 0);
                }
                chunk.apply(seq, bitmap, null);
            }
            chunks.add(chunk);
        }
        HottestPages hottest = new HottestPages(limit);
        chunks.forEach(hottest::offer);
        assertArrayEquals(HeatOrder.hottestFirst(chunks, HeatBit.ACCESSED, limit), hottest.gfns());
    }
}
