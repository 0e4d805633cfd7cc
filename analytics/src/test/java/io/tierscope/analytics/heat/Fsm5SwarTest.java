package io.tierscope.analytics.heat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The bit-sliced FSM equals the transition table for every state, bit and lane. */
class Fsm5SwarTest {
    @Test
    void everyStateBitAndLaneMatchesTheTable() {
        for (HeatTable table : new HeatTable[] {HeatTable.fsm5(), HeatTable.fsm5Conservative()}) {
            boolean conservative = table.kernel() == HeatTable.Kernel.FSM5_CONSERVATIVE_SWAR;
            for (int lane = 0; lane < 8; lane++) {
                for (int other = 0; other < HeatState.COUNT; other++) {
                    for (int state = 0; state < HeatState.COUNT; state++) {
                        for (int bit = 0; bit < 2; bit++) {
                            // Lane under test holds `state`; all other lanes hold `other` with bit 0.
                            long lanes = Fsm5Swar.LANE_BIT0 * other;
                            lanes = (lanes & ~(0xFFL << (8 * lane))) | ((long) state << (8 * lane));
                            long next = Fsm5Swar.next(lanes, Fsm5Swar.spread(bit << lane), conservative);
                            String at = table.name() + " lane " + lane + " state " + state + " bit " + bit;
                            for (int l = 0; l < 8; l++) {
                                int expected = l == lane ? table.next(state, bit) : table.next(other, 0);
                                assertEquals(expected, (next >>> (8 * l)) & 0xFF, at + " (lane " + l + ")");
                            }
                            long one = (long) state << (8 * lane);
                            assertEquals(table.isHot(state) ? 1L << (8 * lane) : 0,
                                    Fsm5Swar.hot(one) & (0xFFL << (8 * lane)), at);
                            assertEquals(table.isCold(state) ? 1L << (8 * lane) : 0,
                                    Fsm5Swar.cold(one) & (0xFFL << (8 * lane)), at);
                        }
                    }
                }
            }
        }
    }

    @Test
    void spreadPutsBitIIntoLaneI() {
        assertEquals(0x0100000000000001L, Fsm5Swar.spread(0x81));
        assertEquals(Fsm5Swar.LANE_BIT0, Fsm5Swar.spread(0xFF));
        assertEquals(0L, Fsm5Swar.spread(0));
    }
}
