package io.tierscope.analytics.tiering.placement;

import io.tierscope.analytics.heat.HeatTable;
import io.tierscope.analytics.heat.SampledCounts;
import java.util.Arrays;

/**
 * One planning period over a VM's pages, a chunk at a time, in one loop: per page its heat score
 * ({@link HeatMemoryScore#next}: cooled, plus the gain when its newest heat state says accessed), its
 * ranked score and guard ({@link HeatRanking}: heat score plus the state's rank fraction), its fast bit
 * (its node is the fast node) and, when the heat table calls it hot, its count in the per-node working
 * sets (US 9,223,722 FIG. 8).
 *
 * <p>It also does the placement selection's first pass ({@link PageSelection#summarize}: each page's key
 * counted in a histogram, the hottest and coldest key per 64-page block) when it fills a VM's chunks 0, 1, ...
 * in order, so that the selection skips its own.
 *
 * <p>Why fused: the planner used to run these as six passes over every page (268M for a 1 TiB host),
 * each a table lookup or two per page, so the passes cost more in loads, stores and loop overhead than
 * in work. Here every page's state, node and score are read once and its score, ranked score and guard
 * written once; the fast bits and the hot pages on the fast and slow nodes are built and counted a
 * 64-page word at a time, without a branch per page.
 *
 * <p>The results are those of {@link HeatMemoryScore#update}, {@link HeatRanking#rank} (or
 * {@link HeatRanking#rankCounts}) and {@link VmPageState#markFast} on a cleared state, for inputs laid
 * out a chunk at a time (a heat record and a placement record per chunk, each from the chunk's first
 * page, as the streams app and the executor write them). Not thread-safe (a scratch histogram).
 */
public final class PeriodPass {
    /** Index, in the per-node counts, of the hot pages without a placement record. */
    public static final int NO_PLACEMENT = 256;

    private final HeatMemoryScore memory;
    /** {@link HeatMemoryScore#nextByState}: score after the period by {@code state << 8 | score}. */
    private final byte[] nextScore;
    /** The ranked score after the period by the same index: the new heat score plus the state's rank fraction. */
    private final float[] rankedScore;
    private final float[] rankPart;
    /** The page's selection key ({@link PageSelection#summarize}) by {@code (state << 8 | score) << 1 | fast bit}. */
    private final int[] keyOf;
    private final byte[] guardOf;
    /** Per state: 1 when the table calls it hot. */
    private final long[] hot;
    private int[] scratch;

    public PeriodPass(HeatMemoryScore memory, HeatTable table) {
        this.memory = memory;
        this.nextScore = memory.nextByState(table);
        HeatRanking ranking = new HeatRanking(table);
        this.rankPart = ranking.rankPart;
        this.guardOf = ranking.guardOf;
        this.rankedScore = new float[nextScore.length];
        for (int i = 0; i < nextScore.length; i++) {
            rankedScore[i] = (nextScore[i] & 0xff) + rankPart[i >>> 8];
        }
        this.keyOf = new int[2 * nextScore.length];
        for (int i = 0; i < keyOf.length; i++) {
            int key = PageSelection.scoreKey(rankedScore[i >>> 1]);
            keyOf[i] = PageSelection.guardedKey(key, guardOf[i >>> 9] & 0xff, i & 1);
        }
        this.hot = new long[table.stateCount()];
        for (int s = 0; s < hot.length; s++) {
            hot[s] = table.isHot(s) ? 1 : 0;
        }
    }

    /**
     * One period of chunk {@code chunk} of {@code vm}, whose heat is known.
     *
     * @param scores    the chunk's heat scores, one per page of the chunk: updated in place
     * @param states    newest heat states of the chunk's first {@code states.length} pages (at most the
     *                  chunk's); the pages beyond cool, are ranked by their heat score alone and unguarded
     * @param counts    sampled counts of those pages, to rank them by instead (sample-driven heat), or null
     * @param nodes     nodes of the chunk's first {@code nodes.length} pages (at most the chunk's), or null;
     *                  pages beyond are slow
     * @param hotByNode hot pages by node byte ({@code node & 0xff}; entries 128..255 are negative nodes, i.e.
     *                  pages not present) and at {@link #NO_PLACEMENT} those without a node: added to
     */
    public void run(VmPageState vm, int chunk, byte[] scores, byte[] states, char[] counts, byte[] nodes,
                    int fastNode, int slowNode, long[] hotByNode) {
        int pages = vm.pagesIn(chunk);
        int nodePages = nodes == null ? 0 : nodes.length;
        if (scores.length != pages || states.length > pages || nodePages > pages) {
            throw new IllegalArgumentException("chunk " + chunk + " of VM " + vm.vmId() + " has " + pages + " pages, got "
                    + scores.length + " scores, " + states.length + " states and " + nodePages + " nodes");
        }
        float[] ranked = vm.scoresOf(chunk);
        byte[] guards = vm.guardsOf(chunk);
        long[] fast = vm.fastBits(chunk);
        long fastBefore = bitCount(fast);
        int[] summary = vm.summaryFor(chunk);
        // Pages ranked by counts get their keys once their scores are final, below.
        int[] hist = summary != null && counts == null ? summary : scratchHistogram();
        int[] blockHot = vm.blockMaxHot(chunk);
        int[] blockCold = vm.blockMinCold(chunk);
        int fusedWords = Math.min(states.length, nodePages) >>> 6;
        // The fused loop (see the class comment), a 64-page word at a time.
        for (int w = 0; w < fusedWords; w++) {
            int from = w << 6;
            long fastWord = 0;
            long slowWord = 0;
            long hotWord = 0;
            int hottest = 0;
            int coldest = Integer.MAX_VALUE;
            for (int k = 0; k < 64; k++) {
                int i = from + k;
                int s = states[i] & 0xff;
                int at = (s << 8) | (scores[i] & 0xff);
                scores[i] = nextScore[at];
                ranked[i] = rankedScore[at];
                guards[i] = guardOf[s];
                hotWord |= hot[s] << k;
                int node = nodes[i];
                int fastBit = isZero(node ^ fastNode);
                fastWord |= (long) fastBit << k;
                slowWord |= (long) isZero(node ^ slowNode) << k;
                // The selection's first pass for this page (PageSelection.summarize).
                int key = keyOf[(at << 1) | fastBit];
                hist[(fastBit << 15) | (key >>> 16)]++;
                int slowMask = fastBit - 1;
                hottest = Math.max(hottest, key & slowMask);
                coldest = Math.min(coldest, key | (slowMask & Integer.MAX_VALUE));
            }
            blockHot[w] = hottest;
            blockCold[w] = coldest;
            fast[w] = fastWord;
            hotByNode[fastNode & 0xff] += Long.bitCount(hotWord & fastWord);
            hotByNode[slowNode & 0xff] += Long.bitCount(hotWord & slowWord & ~fastWord);
            for (long other = hotWord & ~(fastWord | slowWord); other != 0; other &= other - 1) {
                hotByNode[nodes[from + Long.numberOfTrailingZeros(other)] & 0xff]++; // a third node, or not present
            }
        }
        // The rest, page by page: a chunk's last partial word, pages beyond its heat or placement record.
        Arrays.fill(fast, fusedWords, fast.length, 0);
        for (int i = fusedWords << 6; i < pages; i++) {
            boolean placed = i < nodePages;
            if (placed && nodes[i] == fastNode) {
                fast[i >>> 6] |= 1L << i;
            }
            if (i < states.length) {
                int s = states[i] & 0xff;
                int score = nextScore[(s << 8) | (scores[i] & 0xff)] & 0xff;
                scores[i] = (byte) score;
                ranked[i] = score + rankPart[s];
                guards[i] = guardOf[s];
                if (hot[s] != 0) {
                    hotByNode[placed ? nodes[i] & 0xff : NO_PLACEMENT]++;
                }
            } else {
                int score = memory.next(scores[i] & 0xff, false);
                scores[i] = (byte) score;
                ranked[i] = score;
                guards[i] = PageGuard.NONE;
            }
        }
        if (counts != null) {
            for (int i = 0; i < states.length; i++) {
                ranked[i] = SampledCounts.samples(counts[i]);
            }
        }
        vm.addFastPages(bitCount(fast) - fastBefore);
        if (summary != null) {
            PageSelection.summarize(vm, chunk, counts == null ? fusedWords : 0, summary);
            vm.summarized(chunk);
        }
    }

    /**
     * One period of chunk {@code chunk} of {@code vm} without heat: its pages cool, are ranked by their heat
     * score alone and unguarded; they count in no working set. {@code nodes} as for {@link #run}.
     */
    public void runWithoutHeat(VmPageState vm, int chunk, byte[] scores, byte[] nodes, int fastNode) {
        int pages = vm.pagesIn(chunk);
        if (scores.length != pages || (nodes != null && nodes.length > pages)) {
            throw new IllegalArgumentException("chunk " + chunk + " of VM " + vm.vmId() + " has " + pages + " pages, got "
                    + scores.length + " scores and " + (nodes == null ? 0 : nodes.length) + " nodes");
        }
        int[] summary = vm.summaryFor(chunk);
        memory.decay(scores, 0, pages);
        float[] ranked = vm.scoresOf(chunk);
        for (int i = 0; i < pages; i++) {
            ranked[i] = scores[i] & 0xff;
        }
        byte[] guards = vm.guardsOrNull(chunk);
        if (guards != null) {
            Arrays.fill(guards, PageGuard.NONE);
        }
        long[] fast = vm.fastBits(chunk);
        vm.addFastPages(-bitCount(fast));
        Arrays.fill(fast, 0);
        if (nodes != null) {
            vm.markFastBits((long) chunk * vm.chunkPages(), nodes, nodes.length, fastNode);
        }
        if (summary != null) {
            PageSelection.summarize(vm, chunk, 0, summary);
            vm.summarized(chunk);
        }
    }

    /** Where the fused loop counts keys no summary needs (thrown away). */
    private int[] scratchHistogram() {
        if (scratch == null) {
            scratch = new int[2 * PageSelection.BINS];
        }
        return scratch;
    }

    /** 1 when {@code x} is 0, else 0, without a branch. */
    private static int isZero(int x) {
        return ((x - 1) & ~x) >>> 31;
    }

    private static long bitCount(long[] words) {
        long n = 0;
        for (long w : words) {
            n += Long.bitCount(w);
        }
        return n;
    }
}
