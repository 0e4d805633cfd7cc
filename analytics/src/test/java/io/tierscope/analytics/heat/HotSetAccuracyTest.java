package io.tierscope.analytics.heat;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue acceptance: on a guest with a known hot set (and after a phase shift that moves it), the
 * pages classified hot after 3 scan periods match the hot set with precision and recall >= 0.95,
 * for the FSMs (hot = warm or sizzle; history: 3 of the last 4) and for the temperature scorer.
 */
class HotSetAccuracyTest {
    private static final int PAGES = 65_536;      // a 256 MiB guest
    private static final int CHUNK = 16_384;
    private static final long PERIOD_MS = 1000;
    private static final double HOT_FRACTION = 0.10;

    private static SyntheticHotSet guest(long seed) {
        // Hot pages are touched in (almost) every period, the rest rarely: A-bit scans of a real
        // guest at a period of a second or so look like this.
        return new SyntheticHotSet(PAGES, HOT_FRACTION, 0.995, 0.01, seed);
    }

    private static byte[] slice(byte[] vmBitmap, int chunk) {
        return Arrays.copyOfRange(vmBitmap, chunk * CHUNK / 8, (chunk + 1) * CHUNK / 8);
    }

    private static void assertAccurate(String what, SyntheticHotSet truth, long[] predicted) {
        double[] pr = truth.precisionRecall(predicted);
        assertTrue(pr[0] >= 0.95 && pr[1] >= 0.95,
                what + ": precision " + pr[0] + ", recall " + pr[1] + " (" + predicted.length + " predicted)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"fsm5", "fsm5-conservative", "history-k4-hot3"})
    void fsmFindsTheHotSetAndFollowsAPhaseShift(String classifier) {
        SyntheticHotSet truth = guest(42);
        List<ChunkHeat> vm = new ArrayList<>();
        for (int c = 0; c < PAGES / CHUNK; c++) {
            vm.add(new ChunkHeat(HeatTable.byName(classifier), GapPolicy.IDLE, (long) c * CHUNK, CHUNK));
        }
        long seq = 0;
        for (int phase = 0; phase < 2; phase++) {
            if (phase == 1) {
                truth.phaseShift();
            }
            for (int period = 0; period < 3; period++, seq++) {
                byte[] scan = truth.nextAccessed();
                for (int c = 0; c < vm.size(); c++) {
                    vm.get(c).apply(seq, slice(scan, c), null);
                }
            }
            assertAccurate(classifier + " phase " + phase, truth, hotGfns(vm));
        }
    }

    private static long[] hotGfns(List<ChunkHeat> vm) {
        long[] out = new long[PAGES];
        int n = 0;
        for (ChunkHeat chunk : vm) {
            for (int p = 0; p < chunk.pageCount(); p++) {
                if (chunk.table().isHot(chunk.state(HeatBit.ACCESSED, p))) {
                    out[n++] = chunk.baseGfn() + p;
                }
            }
        }
        return Arrays.copyOf(out, n);
    }

    @Test
    void temperatureScorerFindsTheHotSetAndFollowsAPhaseShift() {
        // Half-life of one period: after 3 accessed periods a page is at 1 + 1/2 + 1/4 = 1.75.
        TemperatureModel model = new TemperatureModel(PERIOD_MS, 4f, 2f, 1f);
        runTemperature(model, "fraction");
        runTemperature(model, "threshold");
    }

    private void runTemperature(TemperatureModel model, String hotRule) {
        SyntheticHotSet truth = guest(7);
        List<ChunkTemperature> vm = new ArrayList<>();
        for (int c = 0; c < PAGES / CHUNK; c++) {
            vm.add(new ChunkTemperature(model, (long) c * CHUNK, CHUNK));
        }
        long seq = 0;
        for (int phase = 0; phase < 2; phase++) {
            if (phase == 1) {
                truth.phaseShift();
            }
            long now = 0;
            for (int period = 0; period < 3; period++, seq++) {
                byte[] scan = truth.nextAccessed();
                now = seq * PERIOD_MS;
                for (int c = 0; c < vm.size(); c++) {
                    vm.get(c).applyScan(seq, now, slice(scan, c), null);
                }
            }
            long[] hot = "fraction".equals(hotRule)
                    ? TemperatureRanking.hotByFraction(vm, now, HOT_FRACTION)
                    // Accessed in each of the last 3 periods (1.75) but not only the last 2 (1.5).
                    : TemperatureRanking.hotByThreshold(vm, now, 1.6);
            assertAccurate("temperature by " + hotRule + " phase " + phase, truth, hot);
        }
    }

    @Test
    void sampleDrivenTemperatureFindsTheHotSet() {
        // Samples instead of scans: each period every hot page is sampled once (as a write) and
        // a few cold pages are sampled as reads.
        SyntheticHotSet truth = guest(11);
        TemperatureModel model = new TemperatureModel(PERIOD_MS, 4f, 2f, 1f);
        ChunkTemperature whole = new ChunkTemperature(model, 0, PAGES);
        for (int period = 0; period < 3; period++) {
            byte[] scan = truth.nextAccessed();
            for (int p = 0; p < PAGES; p++) {
                if (HeatBitmaps.isSet(scan, p)) {
                    whole.addSample(period * PERIOD_MS, p, truth.isHot(p) ? 2 : 1);
                }
            }
        }
        assertAccurate("sampled temperature", truth,
                TemperatureRanking.hotByFraction(List.of(whole), 2 * PERIOD_MS, HOT_FRACTION));
    }
}
