package io.tierscope.app;

import io.tierscope.avro.HeatSummary;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** One compact text line per heat summary: pages per heat state, hot/cold, touched/written, the hottest pages. */
final class HeatLine {
    private HeatLine() {
    }

    private static final List<String> FSM_STATES = List.of("frigid", "frigid-test", "warm-test", "warm", "sizzle");
    private static final int HOTTEST_SHOWN = 5;

    /** One line per VM per window: pages per heat state, hot/cold, touched/written, the hottest pages. */
    static String format(HeatSummary s) {
        Map<String, Long> perState = s.getPagesPerState();
        String states = perState.keySet().containsAll(FSM_STATES)
                ? FSM_STATES.stream().map(n -> n + " " + perState.get(n)).collect(Collectors.joining(" "))
                : perState.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByKey().reversed())
                        .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(" "));
        List<Long> hottest = s.getHottestGfns();
        return WindowLabel.of(s.getWindowStartMs(), s.getWindowEndMs(), s.getVmId())
                + String.format(Locale.ROOT, " heat    %s | hot %d cold %d touched %d written %d | hottest %s%s", states, s.getHotPages(), s.getColdPages(), s.getTouchedPages(), s.getWrittenPages(),
                hottest.subList(0, Math.min(HOTTEST_SHOWN, hottest.size())).stream().map(String::valueOf)
                        .collect(Collectors.joining(",")), hottest.size() > HOTTEST_SHOWN ? ",..." : "");
    }
}
