package io.tierscope.analytics.mrc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class SnapshotPropertiesTest {

    @Provide
    Arbitrary<long[]> traces() {
        return Arbitraries.integers().between(1, 5000).flatMap(pages ->
                Arbitraries.longs().between(0, pages).array(long[].class).ofMinSize(0).ofMaxSize(4000));
    }

    @Provide
    Arbitrary<MrcConfig> configs() {
        return Arbitraries.of(MrcConfig.exact(), MrcConfig.fixedRate(0.3), MrcConfig.fixedSize(64),
                MrcConfig.fixedSize(7).withTemporalPeriod(3), MrcConfig.exact().withTemporalPeriod(50),
                MrcConfig.fixedRate(0.5).withDecay(0.3).withPageSize(2 << 20));
    }

    /** restore(snapshot(e)) must behave exactly like e from then on: same curves, same next snapshot. */
    @Property(tries = 120)
    void restoredEngineBehavesIdentically(@ForAll("traces") long[] trace, @ForAll("configs") MrcConfig config,
                                          @ForAll @IntRange(min = 0, max = 100) int cutPercent) {
        int cut = trace.length * cutPercent / 100;
        MrcEngine original = new MrcEngine(42, config);
        feed(original, trace, 0, cut);
        MrcEngine restored = MrcEngine.restore(original.snapshot());
        feed(original, trace, cut, trace.length);
        feed(restored, trace, cut, trace.length);
        for (MrcEngine.Histogram h : MrcEngine.Histogram.values()) {
            MissRatioCurve a = original.curve(h, CacheSizeGrid.logSpaced(1, 100_000, 3));
            MissRatioCurve b = restored.curve(h, CacheSizeGrid.logSpaced(1, 100_000, 3));
            assertArrayEquals(a.missRatio(), b.missRatio(), h.name());
            assertEquals(a.workingSetPages(), b.workingSetPages());
            assertEquals(a.references(), b.references());
        }
        assertEquals(original.trackedPages(), restored.trackedPages());
        assertArrayEquals(original.snapshot(), restored.snapshot());
    }

    /** Feeds a slice, closing a window and advancing the temporal clock as a topology would. */
    private static void feed(MrcEngine e, long[] trace, int from, int to) {
        for (int i = from; i < to; i++) {
            e.setClock(i);
            e.accept(trace[i]);
            if (i % 997 == 996) {
                e.closeWindow();
            }
        }
    }
}
