package io.tierscope.analytics.tiering.placement;

import java.util.Arrays;
import java.util.Objects;

/**
 * The pages of one VM as the placement planner sees them, laid out for hosts of hundreds of
 * millions of pages: per chunk of {@code chunkPages} pages (the heat chunks of the streams app)
 * a float score per page (higher = hotter, e.g. a decayed temperature), a guard byte per page
 * ({@link PageGuard}, or none for the chunk) and a bitmap of the pages in the fast tier. Page
 * index = gfn. No per-page objects: a 1 TiB VM (268M pages of 4 KiB) costs 1 GiB of scores,
 * 268 MB of guards and 32 MB of bitmap.
 *
 * <p>Callers fill {@link #scores(int)} and {@link #guards(int)} in place each period (e.g.
 * {@code ChunkTemperature.temperatures(now, state.scores(c), 0)}); scores must be finite and
 * >= 0 (anything else counts as 0). Not thread-safe.
 */
public final class VmPageState {
    private final String vmId;
    private final long pageCount;
    private final int chunkPages;
    private final float[][] scores;
    private final byte[][] guards;
    private final long[][] fast;
    /** Selection scratch per 64-page block (see PageSelection), allocated on first plan. */
    private int[][] blockMaxHot;
    private int[][] blockMinCold;
    private long fastPages;
    /**
     * The selection's first pass as {@link PeriodPass} builds it while filling chunks 0, 1, ... in order (its
     * key histogram; the block summaries are in blockMaxHot and blockMinCold), complete when it has filled all:
     * {@link PageSelection} then skips its own. Any public write access drops it.
     */
    private int[] summary;
    private int summarizedChunks = -1;

    public VmPageState(String vmId, long pageCount, int chunkPages) {
        this.vmId = Objects.requireNonNull(vmId, "vmId");
        if (pageCount < 0) {
            throw new IllegalArgumentException("pageCount must be >= 0, got " + pageCount);
        }
        if (chunkPages < 64 || chunkPages % 64 != 0) {
            throw new IllegalArgumentException("chunkPages must be a positive multiple of 64, got " + chunkPages);
        }
        long chunks = (pageCount + chunkPages - 1) / chunkPages;
        if (chunks > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(pageCount + " pages are too many chunks of " + chunkPages);
        }
        this.pageCount = pageCount;
        this.chunkPages = chunkPages;
        this.scores = new float[(int) chunks][];
        this.guards = new byte[(int) chunks][];
        this.fast = new long[(int) chunks][];
        for (int c = 0; c < chunks; c++) {
            int n = pagesIn(c);
            scores[c] = new float[n];
            fast[c] = new long[(n + 63) >>> 6];
        }
    }

    public String vmId() {
        return vmId;
    }

    public long pageCount() {
        return pageCount;
    }

    public int chunkPages() {
        return chunkPages;
    }

    public int chunkCount() {
        return scores.length;
    }

    /** Pages in chunk {@code chunk} (the last may be short). */
    public int pagesIn(int chunk) {
        Objects.checkIndex(chunk, scores.length);
        return (int) Math.min(chunkPages, pageCount - (long) chunk * chunkPages);
    }

    /** The live score array of a chunk: write this period's scores into it. */
    public float[] scores(int chunk) {
        dropSummary();
        return scores[chunk];
    }

    /** The live guard array of a chunk, created (all {@link PageGuard#NONE}) on first use. */
    public byte[] guards(int chunk) {
        dropSummary();
        if (guards[chunk] == null) {
            guards[chunk] = new byte[scores[chunk].length];
        }
        return guards[chunk];
    }

    /** The chunk's scores for the planner's own passes (no write access from outside: the summary stays). */
    float[] scoresOf(int chunk) {
        return scores[chunk];
    }

    /** The chunk's guards for {@link PeriodPass}, created on first use, keeping the summary. */
    byte[] guardsOf(int chunk) {
        if (guards[chunk] == null) {
            guards[chunk] = new byte[scores[chunk].length];
        }
        return guards[chunk];
    }

    /**
     * The histogram {@link PeriodPass} adds chunk {@code chunk}'s keys to, or null when it cannot: chunk 0 starts
     * a new summary, any other chunk continues it only when it is the next one.
     */
    int[] summaryFor(int chunk) {
        if (chunk == 0) {
            if (summary == null) {
                summary = new int[2 * PageSelection.BINS];
            } else {
                Arrays.fill(summary, 0);
            }
            summarizedChunks = 0;
        }
        return chunk == summarizedChunks ? summary : null;
    }

    /** Chunk {@code chunk} is summarized (after {@link #summaryFor}). */
    void summarized(int chunk) {
        if (chunk == summarizedChunks) {
            summarizedChunks++;
        }
    }

    /** The summary when every chunk is in it, once (the next period builds another), else null. */
    int[] takeSummary() {
        boolean complete = summarizedChunks == scores.length && summary != null;
        summarizedChunks = -1;
        return complete ? summary : null;
    }

    private void dropSummary() {
        summarizedChunks = -1;
    }

    /** Guards of a chunk, or null when none were set (all {@link PageGuard#NONE}). */
    byte[] guardsOrNull(int chunk) {
        return guards[chunk];
    }

    long[] fastBits(int chunk) {
        return fast[chunk];
    }

    int[] blockMaxHot(int chunk) {
        if (blockMaxHot == null) {
            blockMaxHot = new int[fast.length][];
            blockMinCold = new int[fast.length][];
        }
        if (blockMaxHot[chunk] == null) {
            blockMaxHot[chunk] = new int[fast[chunk].length];
            blockMinCold[chunk] = new int[fast[chunk].length];
        }
        return blockMaxHot[chunk];
    }

    int[] blockMinCold(int chunk) {
        blockMaxHot(chunk);
        return blockMinCold[chunk];
    }

    public float score(long gfn) {
        checkPage(gfn);
        return scores[(int) (gfn / chunkPages)][(int) (gfn % chunkPages)];
    }

    public void setScore(long gfn, float score) {
        dropSummary();
        checkPage(gfn);
        scores[(int) (gfn / chunkPages)][(int) (gfn % chunkPages)] = score;
    }

    public byte guard(long gfn) {
        checkPage(gfn);
        byte[] g = guards[(int) (gfn / chunkPages)];
        return g == null ? PageGuard.NONE : g[(int) (gfn % chunkPages)];
    }

    public void setGuard(long gfn, byte guard) {
        dropSummary();
        checkPage(gfn);
        guards((int) (gfn / chunkPages))[(int) (gfn % chunkPages)] = guard;
    }

    public boolean isFast(long gfn) {
        checkPage(gfn);
        int page = (int) (gfn % chunkPages);
        return (fast[(int) (gfn / chunkPages)][page >>> 6] & (1L << page)) != 0;
    }

    /** Records where a page is now (e.g. from the executor's placement query). */
    public void setFast(long gfn, boolean inFast) {
        dropSummary();
        checkPage(gfn);
        int page = (int) (gfn % chunkPages);
        long[] bits = fast[(int) (gfn / chunkPages)];
        long mask = 1L << page;
        boolean was = (bits[page >>> 6] & mask) != 0;
        if (was != inFast) {
            bits[page >>> 6] ^= mask;
            fastPages += inFast ? 1 : -1;
        }
    }

    /**
     * Marks fast every page {@code baseGfn + i} (i < {@code length}) with {@code nodes[i] == node}, leaving
     * the others as they are: a placement record applied a 64-page word at a time.
     */
    public void markFast(long baseGfn, byte[] nodes, int length, int node) {
        dropSummary();
        markFastBits(baseGfn, nodes, length, node);
    }

    /** {@link #markFast} for {@link PeriodPass}, keeping the summary. */
    void markFastBits(long baseGfn, byte[] nodes, int length, int node) {
        if (length <= 0) {
            return;
        }
        checkPage(baseGfn);
        checkPage(baseGfn + length - 1);
        int i = 0;
        while (i < length) {
            long gfn = baseGfn + i;
            int page = (int) (gfn % chunkPages);
            int bit = page & 63;
            int n = Math.min(64 - bit, length - i); // chunkPages is a multiple of 64: a word never spans chunks
            long word = 0;
            for (int k = 0; k < n; k++) {
                int x = nodes[i + k] ^ node;
                word |= (long) (((x - 1) & ~x) >>> 31) << (bit + k); // 1 exactly when x == 0, without a branch
            }
            long[] bits = fast[(int) (gfn / chunkPages)];
            fastPages += Long.bitCount(word & ~bits[page >>> 6]);
            bits[page >>> 6] |= word;
            i += n;
        }
    }

    /**
     * Forgets every page's guard and placement (all {@link PageGuard#NONE}, all slow), keeping the arrays:
     * a planner reuses one state per VM across periods instead of allocating it (1.3 GiB for 1 TiB) each
     * time. Scores are kept: the caller rewrites every page's score.
     */
    public void clearGuardsAndPlacement() {
        dropSummary();
        for (byte[] g : guards) {
            if (g != null) {
                Arrays.fill(g, PageGuard.NONE);
            }
        }
        for (long[] bits : fast) {
            Arrays.fill(bits, 0);
        }
        fastPages = 0;
    }

    /** For {@link PeriodPass}, which writes the fast bitmap's words directly: the change in fast pages. */
    void addFastPages(long delta) {
        fastPages += delta;
    }

    /** Pages in the fast tier now. */
    public long fastPages() {
        return fastPages;
    }

    /**
     * Applies a plan's moves as an executor would: every demotion, then every promotion.
     *
     * @throws IllegalArgumentException when a demoted page is not fast or a promoted page not slow
     */
    public void apply(VmMoves moves) {
        for (long gfn : moves.demote()) {
            if (!isFast(gfn)) {
                throw new IllegalArgumentException("page " + gfn + " of VM " + vmId + " is demoted but not fast");
            }
            setFast(gfn, false);
        }
        for (long gfn : moves.promote()) {
            if (isFast(gfn)) {
                throw new IllegalArgumentException("page " + gfn + " of VM " + vmId + " is promoted but already fast");
            }
            setFast(gfn, true);
        }
    }

    private void checkPage(long gfn) {
        if (gfn < 0 || gfn >= pageCount) {
            throw new IndexOutOfBoundsException("page " + gfn + " is outside VM " + vmId + " (" + pageCount + " pages)");
        }
    }
}
