package io.tierscope.streams.heat;

import io.tierscope.analytics.heat.HeatState;
import io.tierscope.analytics.heat.HeatTable;

/**
 * Names of heat states in {@code HeatSummary.pagesPerState}: the FSM's names (frigid ... sizzle)
 * for the 5-state classifiers; for a k-bit history classifier the page's last k scan bits,
 * newest first (e.g. "1100": accessed in the last two periods, not in the two before).
 */
final class HeatStateNames {
    private HeatStateNames() {
    }

    static boolean isFsm(HeatTable table) {
        return table.name().startsWith("fsm5");
    }

    static String name(HeatTable table, int state) {
        if (isFsm(table)) {
            return HeatState.name(state);
        }
        int k = Integer.numberOfTrailingZeros(table.stateCount());
        StringBuilder bits = new StringBuilder(k);
        for (int b = k - 1; b >= 0; b--) {
            bits.append((state >>> b) & 1);
        }
        return bits.toString();
    }
}
