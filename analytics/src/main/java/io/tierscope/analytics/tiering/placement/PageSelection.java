package io.tierscope.analytics.tiering.placement;

import java.util.Arrays;

/**
 * One VM's candidates for a period: its hottest promotable slow pages and its coldest fast pages,
 * each list cut at a given length. Built by selection, not by sorting the VM: a histogram of the
 * score's float bits (scores are >= 0, so their bits order like the values) finds the cut, and a
 * second pass collects the pages beyond it; when only part of a crowded cut bin is taken, that pass
 * also counts the bin's pages by their low key bits and keeps those that can still be taken
 * ({@code CutBin}). Two passes over the pages and a sort of the candidates only; ties go to the lower gfn.
 *
 * <p>Keys: a slow page is promotable when its score is > 0 and its guard is not
 * {@link PageGuard#KEEP_SLOW}; its key is its score's bits. A fast page's key is its score's bits,
 * or {@link #PINNED} when its guard is {@link PageGuard#KEEP_FAST}, which sorts it after every other.
 */
final class PageSelection {
    /** Demotion key of a fast page the guards keep fast: after every real score. */
    static final int PINNED = Integer.MAX_VALUE;
    static final int BINS = 1 << 15;

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

    /**
     * Key of a score: its float bits when it is a normal positive number (or +infinity), else 0.
     * Zero, negatives, NaN and subnormals (below 1.2e-38) all count as 0, so histogram bin 0 of
     * the hot side holds only unpromotable pages.
     */
    static int scoreKey(float score) {
        int bits = Float.floatToRawIntBits(score);
        // Branch-free (a quarter of the first pass's time on a mix of idle and hot pages, where a
        // branch mispredicts): d in [0, 0x7F000000] exactly when bits is in [0x00800000, 0x7F800000].
        int d = bits - 0x0080_0000;
        return bits & ~((d | (0x7F00_0000 - d)) >> 31);
    }

    /**
     * A page's key in the histogram: {@code key} ({@link #scoreKey}) unless its guard says otherwise: a fast page
     * kept fast is {@link #PINNED}, a slow page kept slow 0 (not promotable). Branch-free (heat-derived guards mix
     * on every page, so branches mispredict).
     */
    static int guardedKey(int key, int guard, int fastBit) {
        int slowMask = fastBit - 1; // all ones for a slow page, 0 for a fast one
        int keptFast = (((guard ^ PageGuard.KEEP_FAST) - 1) >> 31) & ~slowMask;
        int keptSlow = (((guard ^ PageGuard.KEEP_SLOW) - 1) >> 31) & slowMask;
        return (key | (keptFast & PINNED)) & ~keptSlow;
    }

    /**
     * The first pass over chunk {@code c}'s 64-page blocks from {@code fromBlock} on: each page's key counted in
     * {@code hist}, and per block the hottest promotable key and the coldest fast key, so that the later pass
     * only opens blocks that can hold a candidate. {@link PeriodPass}'s fused loop does the same per page (its keys
     * from {@link #scoreKey} and {@link #guardedKey} by table): change both together.
     */
    static void summarize(VmPageState vm, int c, int fromBlock, int[] hist) {
        float[] scores = vm.scoresOf(c);
        byte[] guards = vm.guardsOrNull(c);
        long[] fast = vm.fastBits(c);
        int[] blockHot = vm.blockMaxHot(c);
        int[] blockCold = vm.blockMinCold(c);
        for (int w = fromBlock; w < fast.length; w++) {
            long f = fast[w];
            int from = w << 6;
            int to = Math.min(scores.length, from + 64);
            int hottest = 0;
            int coldest = Integer.MAX_VALUE;
            if (guards == null) {
                // The common case, without the guard lookups.
                for (int i = from; i < to; i++) {
                    int fastBit = (int) (f >>> i) & 1;
                    int key = scoreKey(scores[i]);
                    hist[(fastBit << 15) | (key >>> 16)]++;
                    int slowMask = fastBit - 1;
                    hottest = Math.max(hottest, key & slowMask);
                    coldest = Math.min(coldest, key | (slowMask & Integer.MAX_VALUE));
                }
            } else {
                for (int i = from; i < to; i++) {
                    int fastBit = (int) (f >>> i) & 1;
                    int key = guardedKey(scoreKey(scores[i]), guards[i] & 0xff, fastBit);
                    hist[(fastBit << 15) | (key >>> 16)]++;
                    int slowMask = fastBit - 1;
                    hottest = Math.max(hottest, key & slowMask);
                    coldest = Math.min(coldest, key | (slowMask & Integer.MAX_VALUE));
                }
            }
            blockHot[w] = hottest;
            blockCold[w] = coldest;
        }
    }

    /** Selects up to {@code maxHot} promotion and {@code maxCold} demotion candidates of {@code vm}. */
    static PageSelection select(VmPageState vm, int maxHot, int maxCold) {
        return select(vm, maxHot, maxCold, Integer.MAX_VALUE);
    }

    /**
     * As {@link #select(VmPageState, int, int)}, with at most {@code maxSurplus} pages beyond a list's
     * length collected and sorted instead of resolving the cut bin (tests lower it to reach the CutBin).
     */
    static PageSelection select(VmPageState vm, int maxHot, int maxCold, int maxSurplus) {
        // One histogram: bins [0, BINS) slow pages by key (bin 0: not promotable), [BINS, 2 BINS) fast pages;
        // PeriodPass may have built it, with the block summaries, while it filled the pages.
        int[] hist = vm.takeSummary();
        int chunks = vm.chunkCount();
        if (hist == null) {
            hist = new int[2 * BINS];
            for (int c = 0; c < chunks; c++) {
                summarize(vm, c, 0, hist);
            }
        }
        long promotable = 0;
        long fastCount = 0;
        for (int b = 1; b < BINS; b++) {
            promotable += hist[b];
        }
        for (int b = 0; b < BINS; b++) {
            fastCount += hist[BINS + b];
        }
        int wantHot = (int) Math.min(maxHot, promotable);
        int wantCold = (int) Math.min(maxCold, fastCount);
        // Hot cut: the bin where the count from the top reaches wantHot.
        int hotBin = BINS - 1;
        int hotAbove = 0;
        while (hotBin > 1 && hotAbove + hist[hotBin] < wantHot) {
            hotAbove += hist[hotBin--];
        }
        int coldBin = 0;
        int coldBelow = 0;
        while (coldBin < BINS - 1 && coldBelow + hist[BINS + coldBin] < wantCold) {
            coldBelow += hist[BINS + coldBin++];
        }
        // A cut bin that holds a few more pages than the lists need is taken whole (the final sort drops
        // the surplus): resolving it costs more than sorting a few thousand extra
        // candidates. Only a crowded cut bin (many equal scores) is resolved, by a CutBin.
        long hotSurplus = Math.min(maxSurplus, Math.max(wantHot, 1 << 12));
        long coldSurplus = Math.min(maxSurplus, Math.max(wantCold, 1 << 12));
        boolean crowdedHot = wantHot > 0 && hotAbove + hist[hotBin] > wantHot + hotSurplus;
        boolean crowdedCold = wantCold > 0 && coldBelow + hist[BINS + coldBin] > wantCold + coldSurplus;
        // Most of a guest is idle: when the fast pages at score 0 alone fill the cold list, the cut is
        // exactly 0 and needs no CutBin.
        // (Bin 0 holds exactly the keys 0: every other key is a normal float, 0x00800000 or above.)
        boolean coldAllZero = wantCold > 0 && coldBin == 0 && hist[BINS] >= wantCold;
        crowdedCold &= !coldAllZero;
        // Boundary: take keys beyond it, plus the first (by gfn) `quota` pages exactly at it.
        int hotBoundary = (hotBin << 16) - 1;
        int coldBoundary = coldBin == BINS - 1 ? PINNED : ((coldBin + 1) << 16);
        int coldQuota = coldBin == BINS - 1 ? wantCold - coldBelow : 0;
        if (wantHot == 0) {
            hotBoundary = PINNED;
        }
        if (coldAllZero) {
            coldBoundary = 0;
            coldQuota = wantCold;
        }
        if (wantCold == 0) {
            coldBoundary = -1;
            coldQuota = 0;
        }
        // A crowded cut bin is resolved in the collection pass itself, without a pass of its own: its pages go
        // to a CutBin, which counts them by their key's low 16 bits and keeps those that can still be taken.
        CutBin hotCrowd = null;
        CutBin coldCrowd = null;
        if (crowdedHot) {
            hotBoundary = ((hotBin + 1) << 16) - 1; // keys above the bin are taken directly
            hotCrowd = new CutBin(wantHot - hotAbove, hotBin, true);
        }
        if (crowdedCold) {
            coldBoundary = coldBin << 16; // keys below the bin are taken directly
            coldQuota = 0;
            coldCrowd = new CutBin(wantCold - coldBelow, coldBin, false);
        }
        int hotTaken = wantHot == 0 || crowdedHot ? wantHot : hotAbove + hist[hotBin];
        int coldTaken = wantCold == 0 || crowdedCold || coldAllZero || coldBin == BINS - 1 ? wantCold
                : coldBelow + hist[BINS + coldBin];
        long[] hotGfns = new long[hotTaken];
        int[] hotKeys = new int[hotTaken];
        long[] coldGfns = new long[coldTaken];
        int[] coldKeys = new int[coldTaken];
        int nh = 0;
        int nc = 0;
        for (int c = 0; c < chunks; c++) {
            float[] scores = vm.scoresOf(c);
            byte[] guards = vm.guardsOrNull(c);
            long[] fast = vm.fastBits(c);
            int[] blockHot = vm.blockMaxHot(c);
            int[] blockCold = vm.blockMinCold(c);
            long base = (long) c * vm.chunkPages();
            for (int w = 0; w < fast.length; w++) {
                // Once the cold boundary's quota is used up, only keys strictly below it are still taken; once a
                // crowded cut bin holds the pages it needs up to some key, only better keys can still be taken.
                int hotLimit = hotCrowd != null ? hotCrowd.firstTakeableKey()
                        : hotBoundary == PINNED ? hotBoundary : hotBoundary + 1;
                int coldLimit = coldCrowd != null ? coldCrowd.firstTakeableKey() - 1
                        : coldQuota > 0 ? coldBoundary : coldBoundary - 1;
                if (blockHot[w] < hotLimit && blockCold[w] > coldLimit) {
                    continue;
                }
                // Only the side the block can hold a candidate of, visiting its pages by their set bits
                // (a test of the fast bit per page mispredicts on mixed blocks).
                int from = w << 6;
                long f = fast[w];
                if (blockCold[w] <= coldLimit) {
                    for (long m = f; m != 0; m &= m - 1) {
                        int i = from + Long.numberOfTrailingZeros(m);
                        int key = guards != null && guards[i] == PageGuard.KEEP_FAST ? PINNED : scoreKey(scores[i]);
                        if (key < coldBoundary || (key == coldBoundary && coldQuota-- > 0)) {
                            coldGfns[nc] = base + i;
                            coldKeys[nc++] = key;
                        } else if (coldCrowd != null && (key >>> 16) == coldBin) {
                            coldCrowd.add(key, base + i);
                        }
                    }
                }
                if (blockHot[w] >= hotLimit) {
                    int pages = Math.min(scores.length - from, 64);
                    long slow = ~f & (pages == 64 ? -1L : (1L << pages) - 1);
                    for (long m = slow; m != 0; m &= m - 1) {
                        int i = from + Long.numberOfTrailingZeros(m);
                        if (guards != null && guards[i] == PageGuard.KEEP_SLOW) {
                            continue;
                        }
                        int key = scoreKey(scores[i]);
                        if (key != 0 && key > hotBoundary) {
                            hotGfns[nh] = base + i;
                            hotKeys[nh++] = key;
                        } else if (hotCrowd != null && key != 0 && (key >>> 16) == hotBin) {
                            hotCrowd.add(key, base + i);
                        }
                    }
                }
            }
        }
        if (hotCrowd != null) {
            nh = hotCrowd.take(hotGfns, hotKeys, nh);
        }
        if (coldCrowd != null) {
            nc = coldCrowd.take(coldGfns, coldKeys, nc);
        }
        if (nh != hotTaken || nc != coldTaken) {
            throw new IllegalStateException("selection collected " + nh + "/" + hotTaken + " hot and " + nc + "/"
                    + coldTaken + " cold pages of VM " + vm.vmId() + ": scores changed while planning?");
        }
        // Order the candidates: hot by key descending, cold ascending, ties by gfn (collection order).
        long[] order = new long[Math.max(nh, nc)];
        for (int i = 0; i < nh; i++) {
            order[i] = ((long) (PINNED - hotKeys[i]) << 32) | i;
        }
        Arrays.sort(order, 0, nh);
        long[] hotSorted = new long[wantHot];
        float[] hotScores = new float[wantHot];
        for (int i = 0; i < wantHot; i++) {
            int at = (int) order[i];
            hotSorted[i] = hotGfns[at];
            hotScores[i] = scoreOf(hotKeys[at]);
        }
        for (int i = 0; i < nc; i++) {
            order[i] = ((long) coldKeys[i] << 32) | i;
        }
        Arrays.sort(order, 0, nc);
        long[] coldSorted = new long[wantCold];
        int[] coldSortedKeys = new int[wantCold];
        for (int i = 0; i < wantCold; i++) {
            int at = (int) order[i];
            coldSorted[i] = coldGfns[at];
            coldSortedKeys[i] = coldKeys[at];
        }
        return new PageSelection(hotSorted, hotScores, coldSorted, coldSortedKeys, promotable);
    }

    /**
     * The pages of a crowded cut bin, ranked by their key's low 16 bits (rank 0: the highest key for the
     * hot list, the lowest for the cold one), of which the first
     * {@code need} by (rank, gfn) are taken; pages arrive in gfn order. Every rank is counted; a page is kept
     * only while it can still be taken: once the ranks up to some rank hold {@code need} pages ({@link #fullRank}),
     * a later page of that rank or a worse one comes after all of those and is dropped, and so are the kept pages
     * of worse ranks at the next compaction. Keeps fewer than 2 x need pages after each compaction, so memory is
     * bounded by the lists' length, not by the crowd; and once the cut is known, the collection pass skips the
     * blocks that hold no better key ({@link #firstTakeableKey}).
     */
    private static final class CutBin {
        private static final int RANKS = 1 << 16;
        private final int need;
        private final int bin;
        private final boolean highestFirst;
        private final int[] count = new int[RANKS];
        private final int[] head = new int[RANKS];
        private final int[] tail = new int[RANKS];
        /** The best rank whose pages and those of better ranks number at least {@code need}; RANKS until there is one. */
        private int fullRank = RANKS;
        /** Pages counted at ranks better than {@link #fullRank}: fewer than need. */
        private long countedBetter;
        private long[] gfns;
        private int[] next;
        private int size;

        CutBin(int need, int bin, boolean highestFirst) {
            this.need = need;
            this.bin = bin;
            this.highestFirst = highestFirst;
            Arrays.fill(head, -1);
            int capacity = (int) Math.min(4L * need, 1 << 16);
            gfns = new long[capacity];
            next = new int[capacity];
        }

        /**
         * The hot list's lowest key a page arriving now can still be taken with, or the cold list's highest key
         * plus one: keys of the bin past the full rank lose to the pages already counted.
         */
        int firstTakeableKey() {
            if (fullRank == RANKS) {
                return highestFirst ? bin << 16 : (bin + 1) << 16;
            }
            return highestFirst ? ((bin << 16) | (0xFFFF - fullRank)) + 1 : (bin << 16) | fullRank;
        }

        /** A page whose key is in the bin. */
        void add(int key, long gfn) {
            int rank = highestFirst ? 0xFFFF - (key & 0xFFFF) : key & 0xFFFF;
            count[rank]++;
            if (rank >= fullRank) {
                return; // need pages of this rank or better came first
            }
            countedBetter++;
            while (countedBetter >= need) {
                countedBetter -= count[--fullRank];
            }
            if (size == gfns.length) {
                if (gfns.length < 4L * need) {
                    int capacity = (int) Math.min(4L * need, 2L * gfns.length);
                    gfns = Arrays.copyOf(gfns, capacity);
                    next = Arrays.copyOf(next, capacity);
                } else {
                    compact();
                }
            }
            gfns[size] = gfn;
            next[size] = -1;
            if (head[rank] < 0) {
                head[rank] = size;
            } else {
                next[tail[rank]] = size;
            }
            tail[rank] = size++;
        }

        /** Drops the lists of the ranks past the full rank, keeping the others in order. */
        private void compact() {
            long[] keptGfns = new long[gfns.length];
            int[] keptNext = new int[gfns.length];
            int kept = 0;
            for (int rank = 0; rank < RANKS; rank++) {
                int at = head[rank];
                head[rank] = -1;
                if (rank > fullRank || at < 0) {
                    continue;
                }
                head[rank] = kept;
                for (; at >= 0; at = next[at]) {
                    keptGfns[kept] = gfns[at];
                    keptNext[kept] = kept + 1;
                    kept++;
                }
                keptNext[kept - 1] = -1;
                tail[rank] = kept - 1;
            }
            gfns = keptGfns;
            next = keptNext;
            size = kept;
        }

        /** Writes the {@code need} taken pages and their keys from {@code at} on; returns the new end. */
        int take(long[] outGfns, int[] outKeys, int at) {
            int taken = 0;
            for (int rank = 0; rank < RANKS && taken < need; rank++) {
                for (int i = head[rank]; i >= 0 && taken < need; i = next[i]) {
                    outGfns[at] = gfns[i];
                    outKeys[at++] = (bin << 16) | (highestFirst ? 0xFFFF - rank : rank);
                    taken++;
                }
            }
            return at;
        }
    }
}
