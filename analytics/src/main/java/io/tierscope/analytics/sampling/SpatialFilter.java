package io.tierscope.analytics.sampling;

/**
 * Fixed-rate spatial pre-filter for one VM: keeps the pages whose {@link SpatialHash} is below
 * the threshold. The collector runs it before publishing; the MRC engine's samplers use the same
 * hash, so a filtered stream and an unfiltered one give the same sampled pages.
 */
public final class SpatialFilter {
    private final long salt;
    private final long threshold;

    public SpatialFilter(long vmKey, long threshold) {
        if (threshold < 0 || threshold > SpatialHash.ALL) {
            throw new IllegalArgumentException("threshold " + threshold + " outside [0, 2^56]");
        }
        this.salt = SpatialHash.salt(vmKey);
        this.threshold = threshold;
    }

    /** A filter for VM {@code vmId} at sampling rate {@code rate}. */
    public static SpatialFilter forRate(String vmId, double rate) {
        return new SpatialFilter(SpatialHash.vmKey(vmId), SpatialHash.thresholdForRate(rate));
    }

    public boolean test(long gfn) {
        return SpatialHash.saltedHash(salt, gfn) < threshold;
    }

    /**
     * Compacts the sampled accesses of {@code gfn[0, count)} (and their {@code xwr}) to the front of
     * the arrays, in order, and returns how many there are.
     */
    public int filter(long[] gfn, byte[] xwr, int count) {
        int kept = 0;
        for (int i = 0; i < count; i++) {
            long g = gfn[i];
            if (SpatialHash.saltedHash(salt, g) < threshold) {
                gfn[kept] = g;
                xwr[kept] = xwr[i];
                kept++;
            }
        }
        return kept;
    }

    public long threshold() {
        return threshold;
    }

    public double rate() {
        return SpatialHash.rate(threshold);
    }
}
