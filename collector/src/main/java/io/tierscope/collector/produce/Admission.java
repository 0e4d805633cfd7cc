package io.tierscope.collector.produce;

/**
 * How a pump hands a sealed record to the {@link SendBuffer}: replay and synthetic sources
 * wait for space (backpressure), live kernel sources must not wait (the kernel queue would
 * overflow silently), so a full buffer is a counted drop.
 */
public enum Admission {
    /** Wait for space in the buffer. */
    BLOCK,
    /** Drop the record when the buffer is full and count it. */
    DROP;

    /**
     * @return true if the buffer took the entry; false if it was full (DROP), closed, or the
     *         waiting thread was interrupted (its interrupt flag is then set again)
     */
    boolean admit(SendBuffer buffer, Outgoing entry) {
        if (this == DROP) {
            return buffer.tryPut(entry);
        }
        try {
            return buffer.put(entry);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
