package io.tierscope.analytics.tiering.placement;

import java.util.Arrays;

/**
 * One VM's candidates for a period: its hottest promotable slow pages and its coldest fast pages,
 * each list cut at a given length. Built by selection, not by sorting the VM: a histogram of the
 * score's float bits (scores are >= 0, so their bits order like the values) finds the cut, a second
 * histogram over the cut's bin finds the exact boundary score when only part of that bin is taken,
 * and a last pass collects the pages beyond it. Three passes over the pages and a sort of the
 * candidates only; ties go to the lower gfn.
 *
 * <p>Keys: a slow page is promotable when its score is > 0 and its guard is not
 * {@link PageGuard#KEEP_SLOW}; its key is its score's bits. A fast page's key is its score's bits,
 * or {@link #PINNED} when its guard is {@link PageGuard#KEEP_FAST}, which sorts it after every other.
 */
final class PageSelection {
    /** Demotion key of a fast page the guards keep fast: after every real score. */
    static final int PINNED = Integer.MAX_VALUE;
    private static final int BINS = 1 << 15;

    /** Hottest promotable slow pages, hottest first. */
    final long[] hotGfns;
    final float[] hotScores;
    /** Coldest fast pages, coldest first; their demotion keys (PINNED for guarded pages). */
    final long[] coldGfns;
    final int[] coldKeys;
    /** Promotable slow pages in the whole VM (not only the listed ones). */
    final long promotable;

    private PageSelection(long[] hotGfns, float[] hotScores, long[] coldGfns, int[] coldKeys, long promotable) {
        this.hotGfns = hotGfns;
        this.hotScores = hotScores;
        this.coldGfns = coldGfns;
        this.coldKeys = coldKeys;
        this.promotable = promotable;
    }

    static float scoreOf(int key) {
        return Float.intBitsToFloat(key);
    }

    private static int scoreKey(float score) {
        // NaN and negatives count as 0; +0 and -0 both become key 0.
        return score > 0 ? Float.floatToRawIntBits(score) : 0;
    }

    /** Selects up to {@code maxHot} promotion and {@code maxCold} demotion candidates of {@code vm}. */
    static PageSelection select(VmPageState vm, int maxHot, int maxCold) {
        int[] hotHist = new int[BINS];
        int[] coldHist = new int[BINS];
        long promotable = 0;
        long fastCount = 0;
        int chunks = vm.chunkCount();
        for (int c = 0; c < chunks; c++) {
            float[] scores = vm.scores(c);
            byte[] guards = vm.guardsOrNull(c);
            long[] fast = vm.fastBits(c);
            for (int i = 0; i < scores.length; i++) {
                byte g = guards == null ? PageGuard.NONE : guards[i];
                if ((fast[i >>> 6] & (1L << i)) != 0) {
                    coldHist[(g == PageGuard.KEEP_FAST ? PINNED : scoreKey(scores[i])) >>> 16]++;
                    fastCount++;
                } else {
                    int key = scoreKey(scores[i]);
                    if (key != 0 && g != PageGuard.KEEP_SLOW) {
                        hotHist[key >>> 16]++;
                        promotable++;
                    }
                }
            }
        }
        int wantHot = (int) Math.min(maxHot, promotable);
        int wantCold = (int) Math.min(maxCold, fastCount);
        // Hot cut: the bin where the count from the top reaches wantHot.
        int hotBin = BINS - 1;
        int hotAbove = 0;
        while (hotBin > 0 && hotAbove + hotHist[hotBin] < wantHot) {
            hotAbove += hotHist[hotBin--];
        }
        int coldBin = 0;
        int coldBelow = 0;
        while (coldBin < BINS - 1 && coldBelow + coldHist[coldBin] < wantCold) {
            coldBelow += coldHist[coldBin++];
        }
        boolean refineHot = wantHot > 0 && hotAbove + hotHist[hotBin] > wantHot;
        boolean refineCold = wantCold > 0 && coldBelow + coldHist[coldBin] > wantCold;
        // Boundary: take keys beyond it, plus the first (by gfn) `quota` pages exactly at it.
        int hotBoundary = (hotBin << 16) - 1;
        int hotQuota = 0;
        int coldBoundary = coldBin == BINS - 1 ? PINNED : ((coldBin + 1) << 16);
        int coldQuota = coldBin == BINS - 1 ? wantCold - coldBelow : 0;
        if (wantHot == 0) {
            hotBoundary = PINNED;
        }
        if (wantCold == 0) {
            coldBoundary = 0;
            coldQuota = 0;
        }
        if (refineHot || refineCold) {
            int[] hotLow = new int[1 << 16];
            int[] coldLow = new int[1 << 16];
            for (int c = 0; c < chunks; c++) {
                float[] scores = vm.scores(c);
                byte[] guards = vm.guardsOrNull(c);
                long[] fast = vm.fastBits(c);
                for (int i = 0; i < scores.length; i++) {
                    byte g = guards == null ? PageGuard.NONE : guards[i];
                    if ((fast[i >>> 6] & (1L << i)) != 0) {
                        int key = g == PageGuard.KEEP_FAST ? PINNED : scoreKey(scores[i]);
                        if (refineCold && (key >>> 16) == coldBin) {
                            coldLow[key & 0xFFFF]++;
                        }
                    } else if (refineHot && g != PageGuard.KEEP_SLOW) {
                        int key = scoreKey(scores[i]);
                        if (key != 0 && (key >>> 16) == hotBin) {
                            hotLow[key & 0xFFFF]++;
                        }
                    }
                }
            }
            if (refineHot) {
                int low = 0xFFFF;
                int above = hotAbove;
                while (above + hotLow[low] < wantHot) {
                    above += hotLow[low--];
                }
                hotBoundary = (hotBin << 16) | low;
                hotQuota = wantHot - above;
            }
            if (refineCold) {
                int low = 0;
                int below = coldBelow;
                while (below + coldLow[low] < wantCold) {
                    below += coldLow[low++];
                }
                coldBoundary = (coldBin << 16) | low;
                coldQuota = wantCold - below;
            }
        }
        long[] hotGfns = new long[wantHot];
        int[] hotKeys = new int[wantHot];
        long[] coldGfns = new long[wantCold];
        int[] coldKeys = new int[wantCold];
        int nh = 0;
        int nc = 0;
        for (int c = 0; c < chunks; c++) {
            float[] scores = vm.scores(c);
            byte[] guards = vm.guardsOrNull(c);
            long[] fast = vm.fastBits(c);
            long base = (long) c * vm.chunkPages();
            for (int i = 0; i < scores.length; i++) {
                byte g = guards == null ? PageGuard.NONE : guards[i];
                if ((fast[i >>> 6] & (1L << i)) != 0) {
                    int key = g == PageGuard.KEEP_FAST ? PINNED : scoreKey(scores[i]);
                    if (key < coldBoundary || (key == coldBoundary && coldQuota > 0 && coldQuota-- > 0)) {
                        coldGfns[nc] = base + i;
                        coldKeys[nc++] = key;
                    }
                } else if (g != PageGuard.KEEP_SLOW) {
                    int key = scoreKey(scores[i]);
                    if (key != 0 && (key > hotBoundary || (key == hotBoundary && hotQuota > 0 && hotQuota-- > 0))) {
                        hotGfns[nh] = base + i;
                        hotKeys[nh++] = key;
                    }
                }
            }
        }
        if (nh != wantHot || nc != wantCold) {
            throw new IllegalStateException("selection collected " + nh + "/" + wantHot + " hot and " + nc + "/"
                    + wantCold + " cold pages of VM " + vm.vmId() + ": scores changed while planning?");
        }
        // Order the candidates: hot by key descending, cold ascending, ties by gfn (collection order).
        long[] order = new long[Math.max(nh, nc)];
        for (int i = 0; i < nh; i++) {
            order[i] = ((long) (PINNED - hotKeys[i]) << 32) | i;
        }
        Arrays.sort(order, 0, nh);
        long[] hotSorted = new long[nh];
        float[] hotScores = new float[nh];
        for (int i = 0; i < nh; i++) {
            int at = (int) order[i];
            hotSorted[i] = hotGfns[at];
            hotScores[i] = scoreOf(hotKeys[at]);
        }
        for (int i = 0; i < nc; i++) {
            order[i] = ((long) coldKeys[i] << 32) | i;
        }
        Arrays.sort(order, 0, nc);
        long[] coldSorted = new long[nc];
        int[] coldSortedKeys = new int[nc];
        for (int i = 0; i < nc; i++) {
            int at = (int) order[i];
            coldSorted[i] = coldGfns[at];
            coldSortedKeys[i] = coldKeys[at];
        }
        return new PageSelection(hotSorted, hotScores, coldSorted, coldSortedKeys, promotable);
    }
}
