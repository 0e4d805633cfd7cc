package io.tierscope.streams.window;

import java.time.Duration;

/**
 * Event-time tumbling windows aligned to the epoch, with a grace period: a window
 * [start, start + size) closes once stream time reaches start + size + grace; a record for
 * a closed window is late.
 */
public record TumblingWindows(long sizeMs, long graceMs) {
    public TumblingWindows {
        if (sizeMs <= 0 || graceMs < 0) {
            throw new IllegalArgumentException("window size must be > 0 and grace >= 0, got " + sizeMs + " and " + graceMs);
        }
    }

    public static TumblingWindows of(Duration size, Duration grace) {
        return new TumblingWindows(size.toMillis(), grace.toMillis());
    }

    public long startOf(long eventTimeMs) {
        return eventTimeMs - Math.floorMod(eventTimeMs, sizeMs);
    }

    public long endOf(long windowStartMs) {
        return windowStartMs + sizeMs;
    }

    public boolean closed(long windowStartMs, long streamTimeMs) {
        return windowStartMs + sizeMs + graceMs <= streamTimeMs;
    }

    /** How often a windowed processor looks for windows to close: a quarter window, within [100 ms, 1 s]. */
    public long checkEveryMs() {
        return Math.max(100, Math.min(1000, sizeMs / 4));
    }
}
