package io.tierscope.streams.heat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.analytics.heat.GapPolicy;
import io.tierscope.streams.StreamsAppConfig;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeatConfigTest {
    @Test
    void defaultsMatchTheCollectorsScanChunks() {
        HeatConfig d = StreamsAppConfig.from(Map.of()).heat();
        assertEquals(32_768, d.chunkPages());
        assertEquals("fsm5", d.classifier().name());
        assertEquals(GapPolicy.IDLE, d.gapPolicy());
        assertEquals(Duration.ofMinutes(10), d.ttl());
        assertEquals(8, d.hottestInSummary());
        assertEquals(HeatConfig.Source.SCANS, d.source());
        assertEquals(Duration.ofSeconds(1), d.samplePeriod());
    }

    @Test
    void readsEveryKey() {
        HeatConfig c = StreamsAppConfig.from(Map.of(HeatConfig.HEAT_CHUNK_PAGES, "4096",
                HeatConfig.HEAT_CLASSIFIER, " history-k4-hot3 ", HeatConfig.HEAT_GAP_POLICY, "Ignore",
                HeatConfig.HEAT_TTL_MS, "60000", HeatConfig.HEAT_SUMMARY_HOTTEST, "0",
                HeatConfig.HEAT_SOURCE, "samples", HeatConfig.HEAT_SAMPLE_PERIOD_MS, "250",
                HeatConfig.HEAT_COUNT_HALF_LIFE_PERIODS, "32")).heat();
        assertEquals(new HeatConfig(4096, c.classifier(), GapPolicy.IGNORE, Duration.ofMinutes(1), 0,
                HeatConfig.Source.SAMPLES, Duration.ofMillis(250), 32), c);
        assertEquals("history-k4-hot3", c.classifier().name());
    }

    @Test
    void badValuesNameTheKey() {
        assertMessage(HeatConfig.HEAT_CHUNK_PAGES + " must be a multiple of 8 in [8, 65536], got 100",
                Map.of(HeatConfig.HEAT_CHUNK_PAGES, "100"));
        assertMessage(HeatConfig.HEAT_CHUNK_PAGES + " must be a multiple of 8 in [8, 65536], got 131072",
                Map.of(HeatConfig.HEAT_CHUNK_PAGES, "131072"));
        assertMessage(HeatConfig.HEAT_CLASSIFIER + ": unknown heat classifier 'fsm4'",
                Map.of(HeatConfig.HEAT_CLASSIFIER, "fsm4"));
        assertMessage(HeatConfig.HEAT_GAP_POLICY + " must be \"idle\" or \"ignore\", got \"skip\"",
                Map.of(HeatConfig.HEAT_GAP_POLICY, "skip"));
        assertMessage(HeatConfig.HEAT_TTL_MS + " must be > 0, got 0", Map.of(HeatConfig.HEAT_TTL_MS, "0"));
        assertMessage(HeatConfig.HEAT_TTL_MS + " must be a whole number, got \"10m\"", Map.of(HeatConfig.HEAT_TTL_MS, "10m"));
        assertMessage(HeatConfig.HEAT_SUMMARY_HOTTEST + " must be in [0, 1000], got 5000",
                Map.of(HeatConfig.HEAT_SUMMARY_HOTTEST, "5000"));
        assertMessage(HeatConfig.HEAT_SOURCE + " must be \"scans\" or \"samples\", got \"pml\"",
                Map.of(HeatConfig.HEAT_SOURCE, "pml"));
        assertMessage(HeatConfig.HEAT_SAMPLE_PERIOD_MS + " must be in [10, 3600000], got 5",
                Map.of(HeatConfig.HEAT_SAMPLE_PERIOD_MS, "5"));
        assertMessage(HeatConfig.HEAT_COUNT_HALF_LIFE_PERIODS + " must be in [1, 1000], got 0.5",
                Map.of(HeatConfig.HEAT_COUNT_HALF_LIFE_PERIODS, "0.5"));
    }

    private static void assertMessage(String expectedStart, Map<String, String> props) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StreamsAppConfig.from(props));
        assertTrue(e.getMessage().startsWith(expectedStart), e.getMessage());
    }
}
