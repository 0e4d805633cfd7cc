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
    void aLateStartBurstsAtMostTheCatchUpBoundAboveTheRate() throws InterruptedException {
        ManualTicker t = new ManualTicker();
        long bound = 200_000_000L; // the collector's default linger, 200 ms
        Pacer pacer = Pacer.perSecond(10_000, bound, t);
        pacer.acquire(1000); // the clock starts at the first block
        t.now += 3_000_000_000L; // then the feed stalls 3 s (a cold JVM, a producer waiting for metadata)
        long released = 0;
        long slept = t.slept;
        while (true) {
            pacer.acquire(100);
            if (t.slept > slept) {
                break;
            }
            released += 100;
        }
        // Released at once: the bound's worth (200 ms = 2,000 samples) and the block due at its end.
        assertEquals(2_000 + 100, released);
        // From there on, the rate: one more second releases 10,000 samples, not 30,000 of backlog.
        long start = t.now;
        long inSecond = 0;
        while (t.now - start < 1_000_000_000L) {
            pacer.acquire(100);
            inSecond += 100;
        }
        assertEquals(10_000, inSecond, 100);
    }

    @Test
    void aNegativeCatchUpBoundIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> Pacer.perSecond(1000, -1, Pacer.Ticker.SYSTEM));
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
