package io.tierscope.analytics.heat;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Page orders of one VM across its chunks, as US 9,063,866 B1 uses them: coldest first for
 * live-migration pre-copy (send pages that will not be touched again first, so fewer are resent),
 * hottest first for resuming from a checkpoint (fault in the working set first). Pages are ranked
 * by {@link HeatTable#rank}; ties go by ascending gfn, so orders are deterministic. A counting sort
 * over the few ranks: O(pages + ranks), no per-page objects.
 */
public final class HeatOrder {
    private HeatOrder() {
    }

    /** Gfns coldest first, at most {@code limit}. Pages without D data count as idle for DIRTY. */
    public static long[] coldestFirst(Collection<ChunkHeat> chunks, HeatBit bit, int limit) {
        return order(chunks, bit, limit, false);
    }

    /** Gfns hottest first, at most {@code limit}. Pages without D data count as idle for DIRTY. */
    public static long[] hottestFirst(Collection<ChunkHeat> chunks, HeatBit bit, int limit) {
        return order(chunks, bit, limit, true);
    }

    private static long[] order(Collection<ChunkHeat> chunks, HeatBit bit, int limit, boolean hottest) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, got " + limit);
        }
        List<ChunkHeat> sorted = new ArrayList<>(chunks);
        sorted.sort(Comparator.comparingLong(ChunkHeat::baseGfn));
        if (sorted.isEmpty()) {
            return new long[0];
        }
        HeatTable table = sorted.get(0).table();
        long total = 0;
        for (ChunkHeat chunk : sorted) {
            if (!chunk.table().name().equals(table.name())) {
                throw new IllegalArgumentException("cannot order chunks of different classifiers: "
                        + table.name() + " and " + chunk.table().name() + " (chunk at gfn " + chunk.baseGfn() + ")");
            }
            total += chunk.pageCount();
        }
        int ranks = table.rankCount();
        int[] rankOfState = new int[table.stateCount()];
        for (int s = 0; s < rankOfState.length; s++) {
            int r = table.rank(s);
            rankOfState[s] = hottest ? ranks - 1 - r : r;
        }
        long[] perRank = new long[ranks];
        for (ChunkHeat chunk : sorted) {
            byte[] states = chunk.states(bit);
            if (states == null) {
                perRank[rankOfState[table.idleState()]] += chunk.pageCount();
            } else {
                for (byte s : states) {
                    perRank[rankOfState[s & 0xFF]]++;
                }
            }
        }
        long[] position = new long[ranks];
        for (int r = 1; r < ranks; r++) {
            position[r] = position[r - 1] + perRank[r - 1];
        }
        int size = (int) Math.min(limit, total);
        long[] out = new long[size];
        for (ChunkHeat chunk : sorted) {
            byte[] states = chunk.states(bit);
            long base = chunk.baseGfn();
            for (int p = 0; p < chunk.pageCount(); p++) {
                int r = rankOfState[states == null ? table.idleState() : states[p] & 0xFF];
                long at = position[r]++;
                if (at < size) {
                    out[(int) at] = base + p;
                }
            }
        }
        return out;
    }
}
