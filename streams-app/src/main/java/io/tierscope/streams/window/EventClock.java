package io.tierscope.streams.window;

import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * "Now" for a windowed processor: the newest event time its task has seen, not Kafka's stream
 * time. Stream time follows the input records' Kafka timestamps, which a producer may set to its
 * send time, while windows, grace and retention are in the input's own time. The stream-time
 * punctuation only says when to look. Recovered from the VMs' {@link VmWindow}s after a restore,
 * so a restarted task continues where the store left it.
 */
public final class EventClock {
    private long nowMs = Long.MIN_VALUE;

    /** The newest {@link VmWindow#lastEventTimeMs()} in {@code windows}. */
    public static EventClock recover(KeyValueStore<String, VmWindow> windows) {
        EventClock clock = new EventClock();
        try (KeyValueIterator<String, VmWindow> it = windows.all()) {
            it.forEachRemaining(kv -> clock.advance(kv.value.lastEventTimeMs()));
        }
        return clock;
    }

    public void advance(long eventTimeMs) {
        nowMs = Math.max(nowMs, eventTimeMs);
    }

    /** The newest event time seen, {@link Long#MIN_VALUE} before any. */
    public long nowMs() {
        return nowMs;
    }

    public boolean started() {
        return nowMs != Long.MIN_VALUE;
    }
}
