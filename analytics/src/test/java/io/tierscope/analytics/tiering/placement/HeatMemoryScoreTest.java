package io.tierscope.analytics.tiering.placement;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.analytics.heat.HeatState;
import io.tierscope.analytics.heat.HeatTable;
import org.junit.jupiter.api.Test;

class HeatMemoryScoreTest {
    @Test
    void aPageAccessedEveryPeriodSaturatesAtExactly255AndNeverOverflows() {
        for (double h : new double[] {0.5, 1, 2, 8, 32, 1000}) {
            HeatMemoryScore score = new HeatMemoryScore(h);
            int s = 0;
            for (int p = 0; p < 20_000 && s < 255; p++) {
                int next = score.next(s, true);
                assertTrue(next > s, "h " + h + ": an accessed period raises " + s);
                s = next;
            }
            assertEquals(255, s, "h " + h);
            assertEquals(255, score.next(255, true), "h " + h + ": stays saturated");
            for (int x = 0; x <= 255; x++) {
                assertTrue(score.next(x, true) <= 255, "h " + h + " from " + x);
            }
        }
    }

    @Test
    void anIdleScoreHalvesEveryHalfLifeAndCoolsToZero() {
        HeatMemoryScore score = new HeatMemoryScore(8);
        int s = 255;
        for (int p = 0; p < 8; p++) {
            s = score.next(s, false);
        }
        assertTrue(Math.abs(s - 127.5) <= 2, "one half-life halves 255, got " + s);
        for (int p = 0; p < 8; p++) {
            s = score.next(s, false);
        }
        assertTrue(Math.abs(s - 63.75) <= 3, "two half-lives quarter it, got " + s);
        for (int x = 1; x <= 255; x++) {
            assertTrue(score.next(x, false) < x, "idle cools " + x);
        }
        for (int p = 0; p < 300; p++) {
            s = score.next(s, false);
        }
        assertEquals(0, s);
    }

    @Test
    void aPageAccessedInAFractionOfPeriodsSettlesNearThatFractionOf255() {
        HeatMemoryScore score = new HeatMemoryScore(8);
        int s = 0;
        double sum = 0;
        int periods = 0;
        for (int p = 0; p < 2000; p++) {
            s = score.next(s, p % 4 == 0);
            if (p >= 1000) {
                sum += s;
                periods++;
            }
        }
        assertEquals(255 / 4.0, sum / periods, 6, "accessed one period in four");
    }

    @Test
    void aLongerHalfLifeRemembersLonger() {
        HeatMemoryScore shortMemory = new HeatMemoryScore(2);
        HeatMemoryScore longMemory = new HeatMemoryScore(32);
        int a = 255;
        int b = 255;
        for (int p = 0; p < 10; p++) {
            a = shortMemory.next(a, false);
            b = longMemory.next(b, false);
        }
        assertTrue(b > 3 * a, "after 10 idle periods: h 32 " + b + ", h 2 " + a);
    }

    @Test
    void onlyStatesThatOnlyAnAccessLeadsIntoCountAsAccessed() {
        boolean[] fsm = HeatMemoryScore.accessedStates(HeatTable.fsm5());
        assertArrayEquals(new boolean[] {false, false, true, false, true}, fsm); // warm-test, sizzle
        assertTrue(fsm[HeatState.WARM_TEST] && fsm[HeatState.SIZZLE] && !fsm[HeatState.WARM]);
        boolean[] history = HeatMemoryScore.accessedStates(HeatTable.history(3, 2));
        for (int s = 0; s < 8; s++) {
            assertEquals((s & 0b100) != 0, history[s], "history state " + s + ": the newest bit");
        }
    }

    @Test
    void updateFollowsTheFsmOfAnAlternatingPageExactly() {
        HeatTable table = HeatTable.fsm5();
        HeatMemoryScore score = new HeatMemoryScore(8);
        byte[] scores = new byte[3];
        int state = table.idleState();
        int expected = 0;
        for (int p = 0; p < 40; p++) {
            boolean accessed = p % 2 == 0;
            state = table.next(state, accessed ? 1 : 0);
            score.update(table, new byte[] {(byte) state}, scores, 1, 1);
            expected = score.next(expected, accessed);
            assertEquals(expected, scores[1] & 0xff, "period " + p);
        }
        assertEquals(0, scores[0]);
        assertEquals(0, scores[2]);
    }

    @Test
    void pagesWithoutHeatCoolAsIdle() {
        HeatMemoryScore score = new HeatMemoryScore(8);
        byte[] scores = {(byte) 255, 100, 0};
        score.update(HeatTable.fsm5(), null, scores, 0, 3);
        assertArrayEquals(new byte[] {(byte) score.next(255, false), (byte) score.next(100, false), 0}, scores);
    }

    @Test
    void badHalfLivesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new HeatMemoryScore(0));
        assertThrows(IllegalArgumentException.class, () -> new HeatMemoryScore(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new HeatMemoryScore(5000));
    }
}
