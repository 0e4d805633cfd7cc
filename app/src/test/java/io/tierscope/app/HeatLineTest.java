package io.tierscope.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.avro.HeatSummary;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeatLineTest {
    @Test
    void showsStatesInFsmOrderAndTheHottestFewPages() {
        Map<String, Long> perState = new HashMap<>(Map.of("sizzle", 7L, "frigid", 900L, "warm", 3L, "warm-test", 2L, "frigid-test", 1L));
        HeatSummary s = HeatSummary.newBuilder().setVmId("vm-1").setWindowStartMs(0).setWindowEndMs(10_000)
                .setClassifier("fsm5").setPagesPerState(perState).setHotPages(10).setColdPages(900).setTouchedPages(12)
                .setWrittenPages(4).setHottestGfns(List.of(40L, 41L, 7L, 9L, 100L, 101L)).build();
        String line = HeatLine.format(s);
        assertTrue(line.contains("vm-1     heat    frigid 900 frigid-test 1 warm-test 2 warm 3 sizzle 7 | hot 10 cold 900"
                + " touched 12 written 4 | hottest 40,41,7,9,100,..."), line);
    }
}
