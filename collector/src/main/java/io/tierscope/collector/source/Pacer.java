package io.tierscope.collector.source;

/**
 * Rate control for replay and synthetic feeds: releases samples at an average rate, sleeping
 * between blocks. The schedule starts at the first {@link #acquire} (when the source has its first
 * block ready, not when the JVM started). A feed that fell behind (a slow, still interpreted start;
 * a full buffer during a broker outage) catches up at most {@code maxCatchUp} worth of samples in a
 * burst, then continues at the rate from where it is: a collector's batches then never carry more
 * than the offered rate plus that much, however late its start.
 */
public final class Pacer {
    /** The default bound on a burst: one second of samples. */
    public static final long MAX_CATCH_UP_NANOS = 1_000_000_000L;

    /** The clock and sleep a pacer uses; tests substitute a manual one. */
    public interface Ticker {
        long nanoTime();

        void sleepNanos(long nanos) throws InterruptedException;

        Ticker SYSTEM = new Ticker() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void sleepNanos(long nanos) throws InterruptedException {
                Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
            }
        };
    }

    private static final Pacer UNLIMITED = new Pacer(0, 0, Ticker.SYSTEM);

    private final double nanosPerSample;
    private final long maxCatchUpNanos;
    private final Ticker ticker;
    private boolean started;
    private long scheduleStart;
    private long released;

    private Pacer(double samplesPerSecond, long maxCatchUpNanos, Ticker ticker) {
        this.nanosPerSample = samplesPerSecond <= 0 ? 0 : 1e9 / samplesPerSecond;
        this.maxCatchUpNanos = maxCatchUpNanos;
        this.ticker = ticker;
    }

    /** As fast as possible. */
    public static Pacer unlimited() {
        return UNLIMITED;
    }

    /** {@code samplesPerSecond} on average; 0 means unlimited. */
    public static Pacer perSecond(double samplesPerSecond) {
        return perSecond(samplesPerSecond, Ticker.SYSTEM);
    }

    public static Pacer perSecond(double samplesPerSecond, Ticker ticker) {
        return perSecond(samplesPerSecond, MAX_CATCH_UP_NANOS, ticker);
    }

    /**
     * {@code samplesPerSecond} on average, a feed behind schedule catching up at most
     * {@code maxCatchUpNanos} worth of samples (the collector passes its linger time: a burst then
     * fits in the batches it would have sent anyway).
     */
    public static Pacer perSecond(double samplesPerSecond, long maxCatchUpNanos, Ticker ticker) {
        if (!(samplesPerSecond >= 0) || Double.isInfinite(samplesPerSecond)) {
            throw new IllegalArgumentException("rate must be a finite number >= 0 samples/s, got " + samplesPerSecond);
        }
        if (maxCatchUpNanos < 0) {
            throw new IllegalArgumentException("the catch-up bound must be >= 0 ns, got " + maxCatchUpNanos);
        }
        return samplesPerSecond == 0 ? UNLIMITED : new Pacer(samplesPerSecond, maxCatchUpNanos, ticker);
    }

    public boolean limited() {
        return nanosPerSample > 0;
    }

    /** Samples per second, 0 when unlimited. */
    public double rate() {
        return nanosPerSample == 0 ? 0 : 1e9 / nanosPerSample;
    }

    /** Blocks per second a paced feed is released in. */
    public static final int BLOCKS_PER_SECOND = 10;

    /**
     * A block size that paces in {@value #BLOCKS_PER_SECOND} blocks per second within
     * {@code [1, maxBlock]}: smooth enough below a batch's linger time, and a host with a thousand
     * paced feeds (one thread each) wakes 10,000 times a second, not 100,000.
     */
    public int blockSize(int maxBlock) {
        if (!limited()) {
            return maxBlock;
        }
        return (int) Math.max(1, Math.min(maxBlock, rate() / BLOCKS_PER_SECOND));
    }

    /** Waits until the next {@code n} samples are due, then counts them as released. */
    public void acquire(int n) throws InterruptedException {
        if (nanosPerSample == 0 || n <= 0) {
            return;
        }
        long now = ticker.nanoTime();
        if (!started) {
            started = true;
            scheduleStart = now;
            released = 0;
        }
        long due = scheduleStart + (long) (released * nanosPerSample);
        if (now - due > maxCatchUpNanos) {
            scheduleStart = now - maxCatchUpNanos;
            released = 0;
            due = scheduleStart;
        }
        if (due > now) {
            ticker.sleepNanos(due - now);
        }
        released += n;
    }
}
