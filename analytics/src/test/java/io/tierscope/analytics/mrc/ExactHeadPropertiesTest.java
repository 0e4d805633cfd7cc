package io.tierscope.analytics.mrc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * What the exact head guarantees whatever the hash picks: for caches up to its K pages the
 * sampled engine's curve is the exact one, in every histogram.
 */
class ExactHeadPropertiesTest {

    @Provide
    Arbitrary<long[]> traces() {
        return Arbitraries.integers().between(1, 3000).flatMap(pages ->
                Arbitraries.longs().between(0, pages).array(long[].class).ofMinSize(1).ofMaxSize(5000));
    }

    @Provide
    Arbitrary<MrcConfig> samplers() {
        return Arbitraries.of(MrcConfig.fixedSize(16), MrcConfig.fixedSize(200), MrcConfig.fixedRate(0.05),
                MrcConfig.fixedRate(0.5).withDecay(0.3));
    }

    @Property(tries = 200)
    void curveUpToTheHeadIsExact(@ForAll("traces") long[] trace, @ForAll("samplers") MrcConfig sampler,
                                 @ForAll @IntRange(min = 1, max = 127) int headPages, @ForAll long vmKey) {
        MrcEngine exact = new MrcEngine(vmKey, MrcConfig.exact().withDecay(sampler.decay()));
        MrcEngine headed = new MrcEngine(vmKey, sampler.withHeadPages(headPages));
        for (int i = 0; i < trace.length; i++) {
            exact.accept(trace[i]);
            headed.accept(trace[i]);
            if (i % 701 == 700) {
                exact.closeWindow();
                headed.closeWindow();
            }
        }
        // Every size up to K; K < 128 keeps both engines within the histogram's one-page buckets.
        CacheSizeGrid grid = CacheSizeGrid.linear(headPages, headPages);
        for (MrcEngine.Histogram h : MrcEngine.Histogram.values()) {
            MissRatioCurve want = exact.curve(h, grid);
            MissRatioCurve got = headed.curve(h, grid);
            assertEquals(want.references(), got.references(), h.name());
            if (want.references() > 0) {
                assertArrayEquals(want.missRatio(), got.missRatio(), 1e-9, h.name());
            }
        }
        assertEquals(Math.min(headPages, exact.trackedPages()), headed.headPages());
    }
}
