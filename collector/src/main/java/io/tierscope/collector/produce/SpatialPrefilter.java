package io.tierscope.collector.produce;

import io.tierscope.analytics.sampling.SpatialHash;
import java.util.function.LongPredicate;

/**
 * Optional cut of a host's Kafka volume at the source: keeps only the pages of each VM whose
 * spatial hash falls below the threshold of {@code rate}. It is the very hash the streams app's
 * SHARDS samplers use ({@link SpatialHash}), so a page the collector keeps is a page the MRC
 * engine would sample at that rate too, and a sampler running at a rate <= the pre-filter rate
 * sees exactly the samples it would have seen without the pre-filter.
 */
public final class SpatialPrefilter {
    private final double rate;
    private final long threshold;

    public SpatialPrefilter(double rate) {
        this.threshold = SpatialHash.thresholdForRate(rate);
        this.rate = rate;
    }

    public double rate() {
        return rate;
    }

    /** The keep-test of one VM's pages (its salt precomputed: no per-sample hashing of the id). */
    public LongPredicate forVm(String vmId) {
        long salt = SpatialHash.salt(SpatialHash.vmKey(vmId));
        long limit = threshold;
        return gfn -> SpatialHash.saltedHash(salt, gfn) < limit;
    }
}
