package io.tierscope.collector.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PacerTest {
    /** A clock that only moves when the pacer sleeps or the test advances it. */
    private static final class ManualTicker implements Pacer.Ticker {
        long now = 1_000_000_000L;
        long slept;

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public void sleepNanos(long nanos) {
            now += nanos;
            slept += nanos;
        }
    }

    @Test
    void releasesSamplesAtTheRequestedAverageRate() throws InterruptedException {
        ManualTicker t = new ManualTicker();
        Pacer pacer = Pacer.perSecond(10_000, t);
        long start = t.now;
        for (int i = 0; i < 100; i++) {
            pacer.acquire(500);
        }
        // 50 000 samples at 10 000/s: the last block is due 4.95 s after the first.
        assertEquals(4_950_000_000L, t.now - start);
    }

    @Test
    void aFeedSlowerThanTheRateIsNeverSleptOn() throws InterruptedException {
        ManualTicker t = new ManualTicker();
        Pacer pacer = Pacer.perSecond(1000, t);
        for (int i = 0; i < 10; i++) {
            pacer.acquire(10);
            t.now += 20_000_000L; // the feed itself takes 20 ms per 10 samples (500/s)
        }
        assertEquals(0, t.slept);
    }

    @Test
    void aFeedHeldBackCatchesUpAtMostOneSecondOfSamples() throws InterruptedException {
        ManualTicker t = new ManualTicker();
        Pacer pacer = Pacer.perSecond(1000, t);
        pacer.acquire(100);
        t.now += 10_000_000_000L; // held back 10 s, e.g. by a full buffer
        long before = t.slept;
        for (int i = 0; i < 10; i++) {
            pacer.acquire(100); // one second of samples: released without sleeping
        }
        assertEquals(before, t.slept);
        pacer.acquire(100);
        pacer.acquire(100);
        assertTrue(t.slept > before, "beyond one second of backlog the rate applies again");
    }

    @Test
    void zeroMeansUnlimitedAndBlocksAreSizedForSmoothPacing() throws InterruptedException {
        Pacer unlimited = Pacer.perSecond(0);
        assertFalse(unlimited.limited());
        unlimited.acquire(1_000_000);
        assertEquals(4096, unlimited.blockSize(4096));
        assertEquals(1000, Pacer.perSecond(10_000).blockSize(4096));
        assertEquals(1, Pacer.perSecond(5).blockSize(4096));
        assertEquals(4096, Pacer.perSecond(1e9).blockSize(4096));
    }

    @Test
    void negativeOrNonFiniteRatesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Pacer.perSecond(-1));
        assertThrows(IllegalArgumentException.class, () -> Pacer.perSecond(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Pacer.perSecond(Double.POSITIVE_INFINITY));
    }
}
