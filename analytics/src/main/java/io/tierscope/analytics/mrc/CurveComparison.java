package io.tierscope.analytics.mrc;

/**
 * How far an estimated miss-ratio curve is from a reference one (a sampled engine's curve from the
 * exact engine's), both given at the same ascending sizes and read with linear interpolation
 * between them.
 *
 * <p>Vertical: mean absolute and largest difference of miss ratios over the sizes. Horizontal, at
 * cliffs: a cliff is a run of consecutive steep segments of the reference curve (miss ratio
 * falling by at least {@value #STEEP} per unit of ln(size), i.e. 0.01 per 1% of size) that falls by
 * at least {@value #MIN_CLIFF_DROP} in all. For every miss-ratio level in the inner half of a
 * cliff's drop (25% to 75%, {@value #LEVELS_PER_CLIFF} levels), the size where the estimate first
 * reaches the level is compared with the size where the reference does:
 * {@code estimate / reference - 1}, negative when the estimated cliff sits to the left (smaller
 * caches). The inner half keeps a small vertical offset on the plateaus around a cliff from being
 * read as a large horizontal one. Flat or gently bending curves have no cliffs and no horizontal error.
 *
 * <p>Resolution: sizes must be fine around cliffs (e.g. {@link CacheSizeGrid#logSpaced} with 64
 * points per doubling, 1.1% apart) for the horizontal error to mean more than the grid spacing.
 *
 * @param meanAbsoluteError    mean |estimate - reference| over the sizes
 * @param maxError             largest |estimate - reference|
 * @param maxErrorAtPages      the size of {@code maxError}
 * @param cliffError           the signed relative horizontal error with the largest magnitude over
 *                             every cliff level (0 when the reference has no cliff)
 * @param cliffErrorAtPages    reference size of that level (0 when none)
 * @param meanCliffError       mean signed relative horizontal error over the cliff levels (bias)
 * @param cliffLevels          cliff levels compared
 */
public record CurveComparison(double meanAbsoluteError, double maxError, long maxErrorAtPages, double cliffError,
                              long cliffErrorAtPages, double meanCliffError, int cliffLevels) {
    /** Slope (miss ratio per unit of ln(size)) above which a segment of the reference curve is part of a cliff. */
    public static final double STEEP = 1.0;
    /** Smallest total drop of a cliff. */
    public static final double MIN_CLIFF_DROP = 0.05;
    static final int LEVELS_PER_CLIFF = 11;

    /**
     * Compares {@code estimate} with {@code reference} at {@code sizes} (ascending, >= 1). NaN miss
     * ratios (a curve without references) compare as equal to nothing: the result is all NaN.
     */
    public static CurveComparison of(long[] sizes, double[] reference, double[] estimate) {
        if (sizes.length != reference.length || sizes.length != estimate.length) {
            throw new IllegalArgumentException("sizes, reference and estimate differ in length: " + sizes.length + ", "
                    + reference.length + ", " + estimate.length);
        }
        if (sizes.length == 0) {
            return new CurveComparison(0, 0, 0, 0, 0, 0, 0);
        }
        double sum = 0;
        double max = 0;
        long maxAt = sizes[0];
        for (int i = 0; i < sizes.length; i++) {
            double err = Math.abs(estimate[i] - reference[i]);
            if (Double.isNaN(err)) {
                return new CurveComparison(Double.NaN, Double.NaN, 0, Double.NaN, 0, Double.NaN, 0);
            }
            sum += err;
            if (err > max) {
                max = err;
                maxAt = sizes[i];
            }
        }
        double worst = 0;
        long worstAt = 0;
        double signedSum = 0;
        int levels = 0;
        int i = 1;
        while (i < sizes.length) {
            if (!steep(sizes, reference, i)) {
                i++;
                continue;
            }
            int first = i;
            while (i < sizes.length && steep(sizes, reference, i)) {
                i++;
            }
            // Segments first..i-1 are steep: the cliff runs from sizes[first - 1] to sizes[i - 1].
            double top = reference[first - 1];
            double bottom = reference[i - 1];
            if (top - bottom < MIN_CLIFF_DROP) {
                continue;
            }
            for (int l = 0; l < LEVELS_PER_CLIFF; l++) {
                double level = top - (top - bottom) * (0.25 + 0.5 * l / (LEVELS_PER_CLIFF - 1));
                double want = reach(sizes, reference, level);
                double got = reach(sizes, estimate, level);
                double err = got / want - 1;
                signedSum += err;
                levels++;
                if (Math.abs(err) > Math.abs(worst)) {
                    worst = err;
                    worstAt = Math.round(want);
                }
            }
        }
        return new CurveComparison(sum / sizes.length, max, maxAt, worst, worstAt,
                levels == 0 ? 0 : signedSum / levels, levels);
    }

    /** The comparison of two engines' curves of one histogram at {@code grid}'s sizes. */
    public static CurveComparison of(CacheSizeGrid grid, MissRatioCurve reference, MissRatioCurve estimate) {
        return of(grid.pages(), reference.missRatio(), estimate.missRatio());
    }

    /** Whether the segment from sizes[i - 1] to sizes[i] falls steeply. */
    private static boolean steep(long[] sizes, double[] curve, int i) {
        double drop = curve[i - 1] - curve[i];
        return drop > 0 && drop >= STEEP * Math.log((double) sizes[i] / sizes[i - 1]);
    }

    /**
     * The smallest size (linear between sizes) at which {@code curve} is at or below {@code level};
     * the largest size when it never gets there (the estimate's cliff lies beyond the sizes looked at).
     */
    static double reach(long[] sizes, double[] curve, double level) {
        if (curve[0] <= level) {
            return sizes[0];
        }
        for (int i = 1; i < sizes.length; i++) {
            if (curve[i] <= level) {
                return sizes[i - 1] + (sizes[i] - sizes[i - 1]) * (curve[i - 1] - level) / (curve[i - 1] - curve[i]);
            }
        }
        return sizes[sizes.length - 1];
    }
}
