package io.tierscope.executor;

import java.util.function.LongSupplier;

/**
 * Spaces page moves so that, over any stretch of time, at most {@code pagesPerSecond} pages move
 * (plus one batch): each batch reserves its share of time and waits until the previous
 * reservations have run out. The clock and the sleep are injectable so tests need no real time.
 */
public final class RateLimiter {
    interface Sleeper {
        void sleepNanos(long nanos) throws InterruptedException;
    }

    private final long pagesPerSecond;
    private final LongSupplier nanoClock;
    private final Sleeper sleeper;
    private long nextFreeNanos;
    private boolean started;

    RateLimiter(long pagesPerSecond, LongSupplier nanoClock, Sleeper sleeper) {
        if (pagesPerSecond <= 0) {
            throw new IllegalArgumentException("rate limit must be > 0 pages per second, got " + pagesPerSecond);
        }
        this.pagesPerSecond = pagesPerSecond;
        this.nanoClock = nanoClock;
        this.sleeper = sleeper;
    }

    public static RateLimiter realTime(long pagesPerSecond) {
        return new RateLimiter(pagesPerSecond, System::nanoTime, nanos -> Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000)));
    }

    long pagesPerSecond() {
        return pagesPerSecond;
    }

    /** Waits until {@code pages} more pages may move, and books them. */
    void acquire(int pages) throws InterruptedException {
        long now = nanoClock.getAsLong();
        if (!started || nextFreeNanos - now < 0) {
            nextFreeNanos = now;
            started = true;
        }
        long wait = nextFreeNanos - now;
        if (wait > 0) {
            sleeper.sleepNanos(wait);
        }
        nextFreeNanos += pages * 1_000_000_000L / pagesPerSecond;
    }
}
