package io.tierscope.analytics.heat;

import java.util.Arrays;
import java.util.Random;

/**
 * A guest with a known hot set: each scan period every hot page is accessed with probability
 * {@code hotProb} and every other page with {@code coldProb}. {@link #phaseShift()} moves the hot
 * set to a fresh random set of the same size (as when a workload changes phase).
 */
final class SyntheticHotSet {
    private final int pages;
    private final int hotPages;
    private final double hotProb;
    private final double coldProb;
    private final Random rnd;
    private final boolean[] hot;

    SyntheticHotSet(int pages, double hotFraction, double hotProb, double coldProb, long seed) {
        this.pages = pages;
        this.hotPages = (int) Math.round(pages * hotFraction);
        this.hotProb = hotProb;
        this.coldProb = coldProb;
        this.rnd = new Random(seed);
        this.hot = new boolean[pages];
        phaseShift();
    }

    /** Chooses a new hot set (it may overlap the old one by chance, as real phases do). */
    void phaseShift() {
        Arrays.fill(hot, false);
        int[] order = new int[pages];
        for (int i = 0; i < pages; i++) {
            order[i] = i;
        }
        for (int i = 0; i < hotPages; i++) {
            int j = i + rnd.nextInt(pages - i);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
            hot[order[i]] = true;
        }
    }

    boolean isHot(int page) {
        return hot[page];
    }

    int hotCount() {
        return hotPages;
    }

    int pages() {
        return pages;
    }

    /** One period's accessed bitmap over the whole guest. */
    byte[] nextAccessed() {
        byte[] bitmap = new byte[HeatBitmaps.bytesFor(pages)];
        for (int p = 0; p < pages; p++) {
            if (rnd.nextDouble() < (hot[p] ? hotProb : coldProb)) {
                HeatBitmaps.set(bitmap, p);
            }
        }
        return bitmap;
    }

    /** Precision and recall of a predicted hot set (gfns = page numbers) against the truth. */
    double[] precisionRecall(long[] predicted) {
        int truePositives = 0;
        for (long gfn : predicted) {
            truePositives += hot[(int) gfn] ? 1 : 0;
        }
        double precision = predicted.length == 0 ? 0 : (double) truePositives / predicted.length;
        return new double[] {precision, (double) truePositives / hotPages};
    }
}
