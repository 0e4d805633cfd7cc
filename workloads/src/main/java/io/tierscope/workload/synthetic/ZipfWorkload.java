package io.tierscope.workload.synthetic;

import org.apache.commons.rng.sampling.distribution.RejectionInversionZipfSampler;
import org.apache.commons.rng.sampling.distribution.SharedStateDiscreteSampler;

/**
 * Zipf-distributed accesses over {@code pages} pages: the page of popularity rank k (1-based) is
 * {@code base + k - 1} and is touched with probability proportional to {@code 1 / k^exponent}.
 * Sampling is commons-rng's rejection-inversion sampler (Hörmann and Derflinger), O(1) per access.
 */
public final class ZipfWorkload extends SyntheticWorkload {
    private final SharedStateDiscreteSampler sampler;
    private final long base;
    private final int pages;
    private final double exponent;

    public ZipfWorkload(long seed, long base, int pages, double exponent) {
        requirePositive(pages, "pages");
        if (!(exponent > 0)) {
            throw new IllegalArgumentException("Zipf exponent must be positive, got " + exponent);
        }
        this.sampler = RejectionInversionZipfSampler.of(Rng.seeded(seed), pages, exponent);
        this.base = base;
        this.pages = pages;
        this.exponent = exponent;
    }

    @Override
    protected void fill(long[] gfn, byte[] xwr, int from, int count) {
        for (int i = from; i < from + count; i++) {
            gfn[i] = base + sampler.sample() - 1;
        }
        fillRead(xwr, from, count);
    }

    @Override
    public long footprintPages() {
        return pages;
    }

    @Override
    public long workingSetPages() {
        return pages;
    }

    /** Ground truth: the fewest (most popular) pages that receive at least {@code mass} of all accesses. */
    public long hotPages(double mass) {
        if (!(mass > 0 && mass <= 1)) {
            throw new IllegalArgumentException("mass must be in (0, 1], got " + mass);
        }
        double total = 0;
        for (int k = 1; k <= pages; k++) {
            total += Math.pow(k, -exponent);
        }
        double sum = 0;
        for (int k = 1; k <= pages; k++) {
            sum += Math.pow(k, -exponent);
            if (sum >= mass * total * (1 - 1e-12)) {
                return k;
            }
        }
        return pages;
    }
}
