package io.tierscope.workload.synthetic;

import org.apache.commons.rng.UniformRandomProvider;
import org.apache.commons.rng.simple.RandomSource;

/** The one seeded generator every synthetic workload uses, so that equal seeds give equal streams. */
final class Rng {
    private Rng() {
    }

    static UniformRandomProvider seeded(long seed) {
        return RandomSource.XO_RO_SHI_RO_128_PP.create(seed);
    }
}
