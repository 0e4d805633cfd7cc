package io.tierscope.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The limiter on a simulated clock: no real time passes. */
class RateLimiterTest {
    private long now = 1_000_000_000L;
    private final List<Long> sleeps = new ArrayList<>();

    private RateLimiter limiter(long rate) {
        return new RateLimiter(rate, () -> now, nanos -> {
            sleeps.add(nanos);
            now += nanos;
        });
    }

    @Test
    void batchesAreSpacedToTheRate() throws InterruptedException {
        RateLimiter l = limiter(1000);
        for (int i = 0; i < 10; i++) {
            l.acquire(100);
        }
        // The first batch goes at once; the other nine each wait for the 100 ms the previous one booked.
        assertEquals(9, sleeps.size());
        sleeps.forEach(s -> assertEquals(100_000_000L, s));
        assertEquals(1_000_000_000L + 900_000_000L, now);
    }

    @Test
    void idleTimeIsNotSavedUpForABurst() throws InterruptedException {
        RateLimiter l = limiter(1000);
        l.acquire(500);
        now += 10_000_000_000L; // ten idle seconds
        l.acquire(500);
        l.acquire(500);
        assertEquals(List.of(500_000_000L), sleeps, "only the third batch waits, for the second one's half second");
    }

    @Test
    void rateMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> limiter(0));
    }
}
