package io.tierscope.app;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** The prefix of every per-VM result line: {@code [HH:mm:ss-HH:mm:ss] vm-id   }. */
final class WindowLabel {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private WindowLabel() {
    }

    static String of(long windowStartMs, long windowEndMs, String vmId) {
        return String.format(Locale.ROOT, "[%s-%s] %-8s", CLOCK.format(Instant.ofEpochMilli(windowStartMs)),
                CLOCK.format(Instant.ofEpochMilli(windowEndMs)), vmId);
    }
}
