package io.tierscope.streams.mrc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.analytics.mrc.MrcConfig;
import io.tierscope.avro.CurveKind;
import io.tierscope.streams.StreamsAppConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MrcSettingsTest {
    @Test
    void defaultsAreFixedSize8192CumulativeHalfDecay4KiBPagesNoTemporalSampling() {
        MrcSettings s = StreamsAppConfig.from(Map.of()).mrc();
        assertEquals(MrcConfig.Mode.FIXED_SIZE, s.engine().mode());
        assertEquals(8192, s.engine().maxPages());
        assertEquals(CurveKind.CUMULATIVE, s.longCurve());
        assertEquals(0.5, s.engine().decay());
        assertEquals(4096, s.engine().pageSize());
        assertEquals(0, s.engine().temporalPeriod());
        assertEquals(24 * 3600 * 1000L, s.idleRetentionMs());
        assertEquals(MrcConfig.DEFAULT_HEAD_PAGES, s.engine().headPages());
    }

    @Test
    void everyKeyIsRead() {
        MrcSettings s = StreamsAppConfig.from(Map.of(MrcSettings.MRC_SAMPLING, "rate:0.01",
                MrcSettings.MRC_TEMPORAL_PERIOD_MS, "100", MrcSettings.MRC_CURVE, "Decayed",
                MrcSettings.MRC_DECAY, "0.8", MrcSettings.PAGE_SIZE_BYTES, "2097152",
                MrcSettings.MRC_IDLE_RETENTION_MS, "0", MrcSettings.MRC_HEAD_PAGES, "0",
                MrcSettings.MRC_MAX_POINTS, "2000")).mrc();
        assertEquals(2000, s.maxPoints());
        assertEquals(512, StreamsAppConfig.from(Map.of()).mrc().maxPoints());
        assertEquals(0, s.idleRetentionMs());
        assertEquals(0, s.engine().headPages());
        assertEquals(MrcConfig.Mode.FIXED_RATE, s.engine().mode());
        assertEquals(0.01, s.engine().rate());
        assertEquals(100, s.engine().temporalPeriod());
        assertEquals(CurveKind.DECAYED, s.longCurve());
        assertEquals(0.8, s.engine().decay());
        assertEquals(2 << 20, s.engine().pageSize());
        assertEquals(MrcConfig.Mode.EXACT, MrcSettings.sampling("k", " exact ").mode());
        assertEquals(100, MrcSettings.sampling("k", "size:100").maxPages());
    }

    @Test
    void badValuesAreRejectedNamingTheKeyAndTheValue() {
        assertRejected(MrcSettings.MRC_SAMPLING, "rate:0", "(0, 1]");
        assertRejected(MrcSettings.MRC_SAMPLING, "rate:x", "\"rate:x\"");
        assertRejected(MrcSettings.MRC_SAMPLING, "size:0", ">= 1 page");
        assertRejected(MrcSettings.MRC_SAMPLING, "all", "exact, rate:R or size:S");
        assertRejected(MrcSettings.MRC_TEMPORAL_PERIOD_MS, "-1", ">= 0");
        assertRejected(MrcSettings.MRC_CURVE, "window", "cumulative or decayed");
        assertRejected(MrcSettings.MRC_DECAY, "0", "(0, 1]");
        assertRejected(MrcSettings.MRC_DECAY, "half", "a number");
        assertRejected(MrcSettings.PAGE_SIZE_BYTES, "4000", "power of two");
        assertRejected(MrcSettings.MRC_IDLE_RETENTION_MS, "-5", ">= 0");
        assertRejected(MrcSettings.MRC_HEAD_PAGES, "65537", "[0, 65536]");
        assertRejected(MrcSettings.MRC_MAX_POINTS, "1", "[2, 65536]");
    }

    private static void assertRejected(String key, String value, String hint) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StreamsAppConfig.from(Map.of(key, value)));
        assertTrue(e.getMessage().contains(key) && e.getMessage().contains(hint), e.getMessage());
    }
}
