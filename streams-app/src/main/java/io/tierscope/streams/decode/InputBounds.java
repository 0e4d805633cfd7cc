package io.tierscope.streams.decode;

import io.tierscope.streams.StreamsAppConfig;

/**
 * How far an input record's event time may lie from "now" before it is dead-lettered instead of
 * processed. The record is forwarded with its event time as its timestamp, and every changelog
 * and output write it causes carries that timestamp, so:
 * <ul>
 * <li><b>ahead</b> is measured against the wall clock: the brokers refuse writes more than
 * message.timestamp.after.max.ms (default 1 h) ahead of their clock, and a refused changelog write
 * used to kill the stream thread on every retry. Not against the task's stream time: a task
 * replaying an old trace has a stream time days behind the wall clock, and a live VM sharing its
 * partition must not look "ahead".</li>
 * <li><b>behind</b> is measured against the newest event time the task has accepted, not the wall
 * clock: replaying yesterday's trace is legitimate. A record far behind its task's own clock comes
 * from a host whose clock jumped back (or a corrupted field), and its outputs would be older than the
 * topics' retention (7 days by default) and deleted at once.</li>
 * </ul>
 *
 * @param maxAheadMs  {@value StreamsAppConfig#INPUT_MAX_AHEAD_MS}
 * @param maxBehindMs {@value StreamsAppConfig#INPUT_MAX_BEHIND_MS}; 0 = no bound
 */
public record InputBounds(long maxAheadMs, long maxBehindMs) {
    public static final long DEFAULT_MAX_AHEAD_MS = 3_600_000L;
    public static final long DEFAULT_MAX_BEHIND_MS = 7 * 86_400_000L;

    public InputBounds {
        if (maxAheadMs < 1 || maxBehindMs < 0) {
            throw new IllegalArgumentException("input bounds must be positive (ahead) and >= 0 (behind), got "
                    + maxAheadMs + " and " + maxBehindMs);
        }
    }

    public static InputBounds defaults() {
        return new InputBounds(DEFAULT_MAX_AHEAD_MS, DEFAULT_MAX_BEHIND_MS);
    }

    /**
     * @param eventTimeMs    the record's event time
     * @param wallClockMs    this instance's clock
     * @param newestAcceptedMs the newest event time the task accepted so far, or Long.MIN_VALUE for none
     * @return null when the event time is within bounds, otherwise why not
     */
    public String problemWith(long eventTimeMs, long wallClockMs, long newestAcceptedMs) {
        if (eventTimeMs - wallClockMs > maxAheadMs) {
            return "event time " + eventTimeMs + " is " + (eventTimeMs - wallClockMs) + " ms ahead of the wall clock "
                    + wallClockMs + " (more than " + StreamsAppConfig.INPUT_MAX_AHEAD_MS + "=" + maxAheadMs
                    + "): check the sending host's clock";
        }
        if (maxBehindMs > 0 && newestAcceptedMs != Long.MIN_VALUE && newestAcceptedMs - eventTimeMs > maxBehindMs) {
            return "event time " + eventTimeMs + " is " + (newestAcceptedMs - eventTimeMs) + " ms behind this task's newest "
                    + newestAcceptedMs + " (more than " + StreamsAppConfig.INPUT_MAX_BEHIND_MS + "=" + maxBehindMs
                    + "): check the sending host's clock";
        }
        return null;
    }
}
