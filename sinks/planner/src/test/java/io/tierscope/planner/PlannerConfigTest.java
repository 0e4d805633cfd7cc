package io.tierscope.planner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlannerConfigTest {
    @Test
    void defaultsAndPeriodStarts() {
        PlannerConfig c = PlannerConfig.defaults();
        assertEquals(Duration.ofMinutes(1), c.period());
        assertEquals(Duration.ofSeconds(5), c.grace());
        assertEquals(512, c.stepPages());
        assertEquals(32768, c.chunkPages());
        assertEquals(io.tierscope.analytics.tiering.placement.HeatMemoryScore.DEFAULT_HALF_LIFE_PERIODS, c.halfLifePeriods());
        assertEquals(16, PlannerConfig.from(Map.of(PlannerConfig.HALF_LIFE_PERIODS, "16")).halfLifePeriods());
        assertEquals(120_000, c.periodStart(179_999));
        assertEquals(-60_000, c.periodStart(-1), "floor, not truncation, before the epoch");
    }

    @Test
    void badValuesNameTheirKey() {
        assertKey(PlannerConfig.PERIOD_MS, Map.of(PlannerConfig.PERIOD_MS, "999"));
        assertKey(PlannerConfig.PERIOD_MS, Map.of(PlannerConfig.PERIOD_MS, "soon"));
        assertKey(PlannerConfig.GRACE_MS, Map.of(PlannerConfig.PERIOD_MS, "10000", PlannerConfig.GRACE_MS, "10001"));
        assertKey(PlannerConfig.STEP_PAGES, Map.of(PlannerConfig.STEP_PAGES, "0"));
        assertKey(PlannerConfig.CHUNK_PAGES, Map.of(PlannerConfig.CHUNK_PAGES, "100"));
        assertKey(PlannerConfig.TOLERANCE_RATIO, Map.of(PlannerConfig.TOLERANCE_RATIO, "-1"));
        assertKey(PlannerConfig.HALF_LIFE_PERIODS, Map.of(PlannerConfig.HALF_LIFE_PERIODS, "0"));
        assertKey(PlannerConfig.HALF_LIFE_PERIODS, Map.of(PlannerConfig.HALF_LIFE_PERIODS, "NaN"));
    }

    @Test
    void theDocsTableIsTheGeneratedOne() throws java.io.IOException {
        String block = io.tierscope.cli.GeneratedDocs.block(java.nio.file.Path.of("../../docs/planner.md"), "plan-config");
        assertEquals(io.tierscope.streams.ConfigValues.markdown(PlannerConfig.DEFINITION, ""), block,
                "docs/planner.md's settings table differs from PlannerConfig.DEFINITION: regenerate it with its main");
    }

    private static void assertKey(String key, Map<String, String> props) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PlannerConfig.from(props));
        assertTrue(e.getMessage().contains(key), e.getMessage());
    }
}
