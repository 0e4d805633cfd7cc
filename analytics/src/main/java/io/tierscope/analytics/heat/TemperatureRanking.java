package io.tierscope.analytics.heat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * Hot sets and page orders of one VM from its {@link ChunkTemperature}s, evaluated at one instant.
 * Two notions of hot, as kvm_hybridmem and an SRE need them:
 * <ul>
 *   <li>{@link #hotByFraction}: the hottest fraction of the VM's pages (kvm_hybridmem fills the
 *       fast node with the top {@code fast_ratio} of pages), but never a page at temperature 0;</li>
 *   <li>{@link #hotByThreshold}: every page at or above an absolute temperature (in addition units,
 *       see {@link TemperatureModel}), independent of VM size.</li>
 * </ul>
 * Ties go by ascending gfn. Sorting packs (temperature, page index) into one long per page.
 */
public final class TemperatureRanking {
    private TemperatureRanking() {
    }

    /** The top {@code round(fraction * pages)} pages with temperature > 0, hottest first. */
    public static long[] hotByFraction(Collection<ChunkTemperature> chunks, long nowMs, double fraction) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction must be in [0, 1], got " + fraction);
        }
        Pages pages = Pages.of(chunks, nowMs);
        long[] keys = pages.sortedKeys(true);
        int want = (int) Math.round(fraction * pages.temps.length);
        long[] out = new long[want];
        int n = 0;
        for (int i = 0; i < want && pages.temps[index(keys[i])] > 0; i++) {
            out[n++] = pages.gfn(index(keys[i]));
        }
        return Arrays.copyOf(out, n);
    }

    /** Pages with temperature >= {@code threshold} (> 0), ascending gfn. */
    public static long[] hotByThreshold(Collection<ChunkTemperature> chunks, long nowMs, double threshold) {
        if (!(threshold > 0)) {
            throw new IllegalArgumentException("threshold must be > 0, got " + threshold);
        }
        Pages pages = Pages.of(chunks, nowMs);
        long[] out = new long[pages.temps.length];
        int n = 0;
        for (int i = 0; i < pages.temps.length; i++) {
            if (pages.temps[i] >= threshold) {
                out[n++] = pages.gfn(i);
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** At most {@code limit} gfns, hottest first. */
    public static long[] hottestFirst(Collection<ChunkTemperature> chunks, long nowMs, int limit) {
        return ordered(chunks, nowMs, limit, true);
    }

    /** At most {@code limit} gfns, coldest first. */
    public static long[] coldestFirst(Collection<ChunkTemperature> chunks, long nowMs, int limit) {
        return ordered(chunks, nowMs, limit, false);
    }

    private static long[] ordered(Collection<ChunkTemperature> chunks, long nowMs, int limit, boolean hottest) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0, got " + limit);
        }
        Pages pages = Pages.of(chunks, nowMs);
        long[] keys = pages.sortedKeys(hottest);
        long[] out = new long[Math.min(limit, keys.length)];
        for (int i = 0; i < out.length; i++) {
            out[i] = pages.gfn(index(keys[i]));
        }
        return out;
    }

    private static int index(long key) {
        return (int) key;
    }

    /** All pages of the VM flattened in gfn order, with their temperatures now. */
    private static final class Pages {
        final float[] temps;
        final long[] chunkBase;
        final int[] chunkStart;

        private Pages(float[] temps, long[] chunkBase, int[] chunkStart) {
            this.temps = temps;
            this.chunkBase = chunkBase;
            this.chunkStart = chunkStart;
        }

        static Pages of(Collection<ChunkTemperature> chunks, long nowMs) {
            List<ChunkTemperature> sorted = new ArrayList<>(chunks);
            sorted.sort(Comparator.comparingLong(ChunkTemperature::baseGfn));
            long total = 0;
            for (ChunkTemperature c : sorted) {
                total += c.pageCount();
            }
            if (total > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException(total + " pages are too many to rank at once");
            }
            float[] temps = new float[(int) total];
            long[] base = new long[sorted.size()];
            int[] start = new int[sorted.size()];
            int at = 0;
            for (int i = 0; i < sorted.size(); i++) {
                ChunkTemperature c = sorted.get(i);
                base[i] = c.baseGfn();
                start[i] = at;
                c.temperatures(nowMs, temps, at);
                at += c.pageCount();
            }
            return new Pages(temps, base, start);
        }

        long gfn(int index) {
            int chunk = Arrays.binarySearch(chunkStart, index);
            if (chunk < 0) {
                chunk = -chunk - 2;
            }
            // Empty chunks share a start with the next one: take the last chunk starting here.
            while (chunk + 1 < chunkStart.length && chunkStart[chunk + 1] == index) {
                chunk++;
            }
            return chunkBase[chunk] + (index - chunkStart[chunk]);
        }

        /**
         * Page indices sorted by temperature (hottest or coldest first), ties by index: temperatures
         * are >= 0, so their float bits order like the values.
         */
        long[] sortedKeys(boolean hottest) {
            long[] keys = new long[temps.length];
            for (int i = 0; i < temps.length; i++) {
                long bits = Float.floatToIntBits(Math.max(temps[i], 0f));
                long heat = hottest ? Integer.MAX_VALUE - bits : bits;
                keys[i] = (heat << 32) | i;
            }
            Arrays.sort(keys);
            return keys;
        }
    }
}
