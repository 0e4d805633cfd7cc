package io.tierscope.analytics.heat;

import static io.tierscope.analytics.heat.ChunkHeatTest.bits;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class HeatOrderTest {
    private static ChunkHeat chunk(long base, byte... states) {
        return ChunkHeat.fromStates(HeatTable.fsm5(), GapPolicy.IDLE, base, 0, states, null);
    }

    @Test
    void ordersAcrossChunksByStateThenGfn() {
        ChunkHeat high = chunk(100, (byte) 4, (byte) 0, (byte) 2);
        ChunkHeat low = chunk(10, (byte) 0, (byte) 4, (byte) 3);
        List<ChunkHeat> vm = List.of(high, low); // out of gfn order on purpose
        assertArrayEquals(new long[] {10, 101, 102, 12, 11, 100},
                HeatOrder.coldestFirst(vm, HeatBit.ACCESSED, Integer.MAX_VALUE));
        assertArrayEquals(new long[] {11, 100, 12, 102, 10, 101},
                HeatOrder.hottestFirst(vm, HeatBit.ACCESSED, Integer.MAX_VALUE));
        assertArrayEquals(new long[] {11, 100}, HeatOrder.hottestFirst(vm, HeatBit.ACCESSED, 2));
        assertArrayEquals(new long[0], HeatOrder.coldestFirst(List.of(), HeatBit.ACCESSED, 5));
        assertThrows(IllegalArgumentException.class, () -> HeatOrder.coldestFirst(vm, HeatBit.ACCESSED, -1));
    }

    @Test
    void dirtyOrderTreatsChunksWithoutWriteDataAsIdle() {
        ChunkHeat written = new ChunkHeat(HeatTable.fsm5(), GapPolicy.IDLE, 0, 4);
        written.apply(0, bits(4, 0, 1, 2, 3), bits(4, 2));
        written.apply(1, bits(4, 0, 1, 2, 3), bits(4, 2));
        ChunkHeat readOnly = new ChunkHeat(HeatTable.fsm5(), GapPolicy.IDLE, 4, 2);
        readOnly.apply(0, bits(2, 0, 1), null);
        assertArrayEquals(new long[] {2, 0, 1, 3, 4, 5},
                HeatOrder.hottestFirst(List.of(written, readOnly), HeatBit.DIRTY, 10));
    }

    @Test
    void isAPermutationSortedByRankOnRandomStates() {
        Random rnd = new Random(7);
        ChunkHeat a = chunk(0, randomStates(rnd, 1000));
        ChunkHeat b = chunk(1000, randomStates(rnd, 777));
        long[] order = HeatOrder.coldestFirst(List.of(b, a), HeatBit.ACCESSED, Integer.MAX_VALUE);
        assertArrayEquals(LongStream.range(0, 1777).toArray(), LongStream.of(order).sorted().toArray());
        for (int i = 1; i < order.length; i++) {
            int prev = stateOf(order[i - 1], a, b);
            int cur = stateOf(order[i], a, b);
            assertEquals(true, prev < cur || (prev == cur && order[i - 1] < order[i]), "at " + i);
        }
        assertThrows(IllegalArgumentException.class, () -> HeatOrder.coldestFirst(
                List.of(a, new ChunkHeat(HeatTable.history(2, 1), GapPolicy.IDLE, 5000, 1)), HeatBit.ACCESSED, 1));
    }

    private static byte[] randomStates(Random rnd, int n) {
        byte[] s = new byte[n];
        IntStream.range(0, n).forEach(i -> s[i] = (byte) rnd.nextInt(5));
        return s;
    }

    private static int stateOf(long gfn, ChunkHeat a, ChunkHeat b) {
        ChunkHeat c = gfn < 1000 ? a : b;
        return c.state(HeatBit.ACCESSED, (int) (gfn - c.baseGfn()));
    }
}
