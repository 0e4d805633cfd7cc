package io.tierscope.analytics.heat;

import static io.tierscope.analytics.heat.HeatState.FRIGID;
import static io.tierscope.analytics.heat.HeatState.FRIGID_TEST;
import static io.tierscope.analytics.heat.HeatState.SIZZLE;
import static io.tierscope.analytics.heat.HeatState.WARM;
import static io.tierscope.analytics.heat.HeatState.WARM_TEST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HeatTableTest {
    private static int run(HeatTable table, int state, int... bits) {
        for (int bit : bits) {
            state = table.next(state, bit);
        }
        return state;
    }

    /** Every edge of US 9,063,866 B1's FSM, standard and conservative (only frigid-test -1-> differs). */
    @ParameterizedTest
    @CsvSource({
            "0,0,0,0", "0,1,2,2",
            "1,0,0,0", "1,1,4,2",
            "2,0,1,1", "2,1,3,3",
            "3,0,1,1", "3,1,4,4",
            "4,0,3,3", "4,1,4,4"})
    void everyTransitionMatchesThePatent(int from, int bit, int standard, int conservative) {
        assertEquals(standard, HeatTable.fsm5().next(from, bit));
        assertEquals(conservative, HeatTable.fsm5Conservative().next(from, bit));
    }

    @Test
    void patentSequencesReachSizzleFromFrigid() {
        HeatTable fsm = HeatTable.fsm5();
        assertEquals(SIZZLE, run(fsm, FRIGID, 1, 1, 1));
        assertEquals(SIZZLE, run(fsm, FRIGID, 1, 0, 1));
        assertEquals(WARM, run(fsm, FRIGID, 1, 1));
        assertEquals(FRIGID_TEST, run(fsm, FRIGID, 1, 0));
        assertEquals(FRIGID, run(fsm, FRIGID, 1, 0, 0));
        // The conservative variant does not let {1,0,1} sizzle: it needs three ones in a row.
        HeatTable conservative = HeatTable.fsm5Conservative();
        assertEquals(WARM_TEST, run(conservative, FRIGID, 1, 0, 1));
        assertEquals(SIZZLE, run(conservative, FRIGID, 1, 0, 1, 1, 1));
    }

    @Test
    void anyZeroDropsSizzleToWarmAndIdleSettlesInThreePeriods() {
        HeatTable fsm = HeatTable.fsm5();
        assertEquals(WARM, fsm.next(SIZZLE, 0));
        assertEquals(SIZZLE, run(fsm, SIZZLE, 1, 1, 1, 0, 1));
        assertEquals(FRIGID, run(fsm, SIZZLE, 0, 0, 0));
        assertEquals(FRIGID_TEST, run(fsm, SIZZLE, 0, 0));
        assertEquals(3, fsm.idleDepth());
        assertEquals(FRIGID, fsm.idleState());
        assertEquals(SIZZLE, fsm.busyState());
    }

    @Test
    void hotIsWarmOrSizzleColdIsFrigid() {
        HeatTable fsm = HeatTable.fsm5();
        for (int s = 0; s < HeatState.COUNT; s++) {
            assertEquals(s >= WARM, fsm.isHot(s), "hot " + s);
            assertEquals(s == FRIGID, fsm.isCold(s), "cold " + s);
            assertEquals(s, fsm.rank(s));
        }
        assertEquals("sizzle", HeatState.name(SIZZLE));
        assertThrows(IllegalArgumentException.class, () -> HeatState.name(5));
    }

    @Test
    void eventsFireOnEnteringHotOrColdOnly() {
        HeatTable fsm = HeatTable.fsm5();
        assertEquals(HeatTable.BECAME_HOT, fsm.eventArray()[(WARM_TEST << 1) | 1]);
        assertEquals(HeatTable.BECAME_HOT, fsm.eventArray()[(FRIGID_TEST << 1) | 1]);
        assertEquals(HeatTable.NO_EVENT, fsm.eventArray()[(WARM << 1) | 1]);
        assertEquals(HeatTable.NO_EVENT, fsm.eventArray()[(SIZZLE << 1)]);
        assertEquals(HeatTable.NO_EVENT, fsm.eventArray()[(WARM << 1)]);
        assertEquals(HeatTable.BECAME_COLD, fsm.eventArray()[(FRIGID_TEST << 1)]);
        assertEquals(HeatTable.NO_EVENT, fsm.eventArray()[(FRIGID << 1)]);
    }

    @Test
    void historyKeepsTheLastKBitsNewestOnTop() {
        HeatTable h = HeatTable.history(4, 3);
        assertEquals("history-k4-hot3", h.name());
        assertEquals(16, h.stateCount());
        assertEquals(0b1101, run(h, 0, 1, 0, 1, 1)); // oldest bit lowest
        assertEquals(0b1111, run(h, 0b0110, 1, 1, 1, 1));
        assertTrue(h.isHot(0b1011));
        assertFalse(h.isHot(0b1001));
        assertTrue(h.isCold(0));
        assertFalse(h.isCold(0b0001));
        assertEquals(4, h.idleDepth());
        assertEquals(0b1111, h.busyState());
        // Newest bit on top: a page touched just now ranks above one touched 3 periods ago.
        assertTrue(h.rank(0b1000) > h.rank(0b0111));
        HeatTable h8 = HeatTable.history(8, 8);
        assertEquals(255, run(h8, 0, 1, 1, 1, 1, 1, 1, 1, 1));
        assertTrue(h8.isHot(255));
    }

    @Test
    void byNameRoundTripsAndRejectsUnknownNames() {
        for (HeatTable t : new HeatTable[] {HeatTable.fsm5(), HeatTable.fsm5Conservative(), HeatTable.history(6, 2)}) {
            assertEquals(t.name(), HeatTable.byName(t.name()).name());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> HeatTable.byName("fsm6"));
        assertTrue(e.getMessage().contains("fsm6"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> HeatTable.history(9, 1));
        assertThrows(IllegalArgumentException.class, () -> HeatTable.history(4, 5));
    }
}
