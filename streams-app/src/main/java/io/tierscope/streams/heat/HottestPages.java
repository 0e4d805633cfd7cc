package io.tierscope.streams.heat;

import io.tierscope.analytics.heat.ChunkHeat;
import io.tierscope.analytics.heat.HeatBit;
import io.tierscope.analytics.heat.HeatOrder;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code limit} hottest pages of a VM whose chunks are offered one at a time in ascending
 * gfn order, in the order {@link HeatOrder#hottestFirst} gives over all chunks at once (rank
 * descending, ties by ascending gfn), without holding more than one chunk: each chunk's own top
 * {@code limit} is merged into the running top {@code limit}.
 */
final class HottestPages {
    private final int limit;
    private long[] gfns = new long[0];
    private int[] ranks = new int[0];

    HottestPages(int limit) {
        this.limit = limit;
    }

    void offer(ChunkHeat chunk) {
        if (limit == 0) {
            return;
        }
        long[] top = HeatOrder.hottestFirst(List.of(chunk), HeatBit.ACCESSED, limit);
        int[] topRanks = new int[top.length];
        for (int i = 0; i < top.length; i++) {
            topRanks[i] = chunk.table().rank(chunk.state(HeatBit.ACCESSED, (int) (top[i] - chunk.baseGfn())));
        }
        int size = Math.min(limit, gfns.length + top.length);
        long[] mergedGfns = new long[size];
        int[] mergedRanks = new int[size];
        int a = 0;
        int b = 0;
        for (int i = 0; i < size; i++) {
            // Earlier chunks hold lower gfns, so on equal rank the running list goes first.
            boolean takeA = b >= top.length || (a < gfns.length && ranks[a] >= topRanks[b]);
            mergedGfns[i] = takeA ? gfns[a] : top[b];
            mergedRanks[i] = takeA ? ranks[a++] : topRanks[b++];
        }
        gfns = mergedGfns;
        ranks = mergedRanks;
    }

    long[] gfns() {
        return Arrays.copyOf(gfns, gfns.length);
    }
}
