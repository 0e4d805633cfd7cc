package io.tierscope.analytics.mrc;

/**
 * One miss-ratio curve: miss ratio of an LRU cache of {@code sizePages[i]} pages
 * ({@code sizePages[i] * pageSize} bytes), with the cold-miss floor reported separately.
 *
 * @param sizePages         cache sizes in pages, ascending
 * @param missRatio         miss ratio at each size, in [0, 1] (cold misses included)
 * @param pageSize          bytes per page
 * @param coldMissRatio     share of references that were first touches (the curve's floor)
 * @param references        references offered (before sampling)
 * @param sampledReferences references measured: reuses within the exact head, and those that passed
 *                          the spatial (and temporal) sampler
 * @param samplingRate      the sampler's current rate (1 for exact)
 * @param footprintPages    estimated distinct pages touched (from the cold samples)
 * @param workingSetPages   smallest cache serving all but the tolerance of the references, a first touch
 *                          counting as a miss below the pages first touched (see {@link MrcEngine})
 * @param interpolationError largest gap between linear interpolation of these points and the engine's
 *                          full-resolution curve, sizes 1 to the last point; NaN when not measured
 */
public record MissRatioCurve(long[] sizePages, double[] missRatio, int pageSize, double coldMissRatio,
                             long references, double sampledReferences, double samplingRate,
                             double footprintPages, long workingSetPages, double interpolationError) {

    public int points() {
        return sizePages.length;
    }

    public long sizeBytes(int i) {
        return sizePages[i] * pageSize;
    }
}
