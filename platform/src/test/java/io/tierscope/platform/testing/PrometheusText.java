package io.tierscope.platform.testing;

import java.util.LinkedHashMap;
import java.util.Map;

/** Parses the Prometheus text format: "name{labels} value" per sample line; comments skipped. For ITs that scrape /metrics. */
public final class PrometheusText {
    private PrometheusText() {
    }

    public static Map<String, Double> parse(String body) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String line : body.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            if (space <= 0) {
                throw new IllegalArgumentException("not a sample line: " + line);
            }
            out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return out;
    }
}
