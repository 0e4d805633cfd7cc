package io.tierscope.streams.registry;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Whether the streams app can reach its schema registry, as its stream threads last saw it: the
 * state a readiness endpoint or a metric reports. A thread that needs a schema the registry cannot
 * serve (connection refused, timeout, HTTP 5xx) marks it down and waits for it, holding the record
 * (see {@link RegistryWait}); the first answer marks it up again.
 */
public final class RegistryHealth {
    private final String url;
    private volatile long downSinceMs = -1;
    private volatile String lastError;
    private final AtomicLong failedCalls = new AtomicLong();
    private final AtomicLong outages = new AtomicLong();
    private volatile boolean stopping;

    public RegistryHealth(String url) {
        this.url = url;
    }

    public String url() {
        return url;
    }

    /** True unless a stream thread is waiting for the registry right now. */
    public boolean up() {
        return downSinceMs < 0;
    }

    /** When the current outage began (this instance's clock), empty while up. */
    public Optional<Instant> downSince() {
        long since = downSinceMs;
        return since < 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(since));
    }

    /** How long the current outage has lasted at {@code nowMs}, zero while up. */
    public Duration downFor(long nowMs) {
        long since = downSinceMs;
        return since < 0 ? Duration.ZERO : Duration.ofMillis(Math.max(0, nowMs - since));
    }

    /** The last failure's text, or null if there never was one. */
    public String lastError() {
        return lastError;
    }

    /** Registry calls that failed retriably since start. */
    public long failedCalls() {
        return failedCalls.get();
    }

    /** Outages seen since start (up -> down transitions). */
    public long outages() {
        return outages.get();
    }

    /** One line for logs and status pages. */
    public String describe(long nowMs) {
        return up() ? "schema registry at " + url + " is up"
                : "schema registry at " + url + " has been unreachable for " + downFor(nowMs).toSeconds() + " s: " + lastError;
    }

    synchronized void failed(long nowMs, String error) {
        failedCalls.incrementAndGet();
        lastError = error;
        if (downSinceMs < 0) {
            downSinceMs = nowMs;
            outages.incrementAndGet();
        }
    }

    synchronized void answered() {
        downSinceMs = -1;
    }

    /** Threads waiting for the registry give up (so that the app can shut down); called before closing Kafka Streams. */
    public void stopWaiting() {
        stopping = true;
    }

    boolean stopping() {
        return stopping;
    }
}
