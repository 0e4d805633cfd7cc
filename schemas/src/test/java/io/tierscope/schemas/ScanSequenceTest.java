package io.tierscope.schemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ScanSequenceTest {
    private static final long RUN_1 = 1_795_000_000_000L; // a start time in 2026
    private static final long RUN_2 = RUN_1 + 1;

    @Test
    void aLaterRunSortsAfterEveryScanOfAnEarlierOneAndALegacyCounter() {
        long lastOfRun1 = ScanSequence.of(RUN_1, ScanSequence.MAX_COUNTER);
        long firstOfRun2 = ScanSequence.of(RUN_2, 0);
        assertTrue(firstOfRun2 > lastOfRun1);
        assertTrue(ScanSequence.of(RUN_1, 0) > 5_000_000L, "plain counters written before the layout are older");
        assertTrue(firstOfRun2 > 0, "a sequence stays a non-negative long");
        assertTrue(ScanSequence.of(ScanSequence.MAX_INCARNATION, ScanSequence.MAX_COUNTER) > 0);
    }

    @Test
    void splitsBackIntoIncarnationAndCounter() {
        long seq = ScanSequence.of(RUN_1, 12_345);
        assertEquals(RUN_1, ScanSequence.incarnation(seq));
        assertEquals(12_345, ScanSequence.counter(seq));
        assertEquals(ScanSequence.of(RUN_1, 12_346) - seq, 1, "within a run, consecutive periods are consecutive numbers");
        assertTrue(ScanSequence.sameRun(seq, ScanSequence.of(RUN_1, 0)));
        assertFalse(ScanSequence.sameRun(seq, ScanSequence.of(RUN_2, 12_345)));
        assertFalse(ScanSequence.sameRun(seq, 7), "a legacy counter is another run");
    }

    @Test
    void rejectsValuesOutsideTheLayout() {
        assertThrows(IllegalArgumentException.class, () -> ScanSequence.of(RUN_1, ScanSequence.MAX_COUNTER + 1));
        assertThrows(IllegalArgumentException.class, () -> ScanSequence.of(RUN_1, -1));
        assertThrows(IllegalArgumentException.class, () -> ScanSequence.of(ScanSequence.MAX_INCARNATION + 1, 0));
        assertThrows(IllegalArgumentException.class, () -> ScanSequence.of(-1, 0));
    }

    @Test
    void periodsBetweenRunsAreMeasuredByScanTimeToTheNearestPeriod() {
        assertEquals(0, ScanSequence.periodsBetween(10_000, 11_000, 1000), "the next period: nothing missed");
        assertEquals(0, ScanSequence.periodsBetween(10_000, 11_400, 1000), "jitter is not a missed period");
        assertEquals(1, ScanSequence.periodsBetween(10_000, 11_600, 1000));
        assertEquals(4, ScanSequence.periodsBetween(10_000, 15_000, 1000));
        assertEquals(0, ScanSequence.periodsBetween(10_000, 9_000, 1000), "a clock that went back: nothing known");
        assertEquals(0, ScanSequence.periodsBetween(10_000, 15_000, 0));
    }
}
