package io.tierscope.guestmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MemslotTableTest {
    @Test
    void lookupAgreesWithALinearScan() {
        Random random = new Random(7);
        int n = 12;
        long[] gpa = new long[n];
        long[] hva = new long[n];
        long[] pages = new long[n];
        long gfn = 3;
        for (int i = 0; i < n; i++) {
            gfn += random.nextInt(50); // gaps, sometimes none
            pages[i] = 1 + random.nextInt(40);
            gpa[i] = gfn << 12;
            hva[i] = 0x7f0000000000L + ((long) i << 30);
            gfn += pages[i];
        }
        // Shuffle the input order: GET_MEMSLOTS makes no promise about it.
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            swap(gpa, i, j);
            swap(hva, i, j);
            swap(pages, i, j);
        }
        MemslotTable table = MemslotTable.of(gpa, hva, pages, n);
        for (long g = 0; g < gfn + 10; g++) {
            int expected = -1;
            for (int i = 0; i < n; i++) {
                if (g >= gpa[i] >>> 12 && g < (gpa[i] >>> 12) + pages[i]) {
                    expected = i;
                }
            }
            int slot = table.slotOf(g);
            if (expected < 0) {
                assertEquals(-1, slot, "gfn " + g);
                assertEquals(-1, table.hvaOf(g));
            } else {
                assertEquals(gpa[expected] >>> 12, table.baseGfn(slot), "gfn " + g);
                assertEquals(hva[expected] + ((g - (gpa[expected] >>> 12)) << 12), table.hvaOf(g));
            }
        }
    }

    @Test
    void rangesAreTheSlotsInGfnOrder() {
        MemslotTable table = MemslotTable.of(new long[] {0x100000000L, 0}, new long[] {0x7f0000000000L, 0x7e0000000000L},
                new long[] {16, 8}, 2);
        org.junit.jupiter.api.Assertions.assertArrayEquals(new long[][] {{0, 8}, {0x100000, 16}}, table.ranges());
    }

    @Test
    void emptyTableFindsNothing() {
        MemslotTable table = MemslotTable.of(new long[0], new long[0], new long[0], 0);
        assertEquals(-1, table.slotOf(0));
    }

    @Test
    void overlappingOrUnalignedSlotsAreRejected() {
        Exception overlap = assertThrows(IllegalArgumentException.class, () -> MemslotTable.of(
                new long[] {0, 0x2000}, new long[] {0, 0}, new long[] {4, 4}, 2));
        assertTrue(overlap.getMessage().contains("overlap"), overlap.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> MemslotTable.of(new long[] {0x123}, new long[] {0}, new long[] {1}, 1));
        assertThrows(IllegalArgumentException.class,
                () -> MemslotTable.of(new long[] {0}, new long[] {0}, new long[] {0}, 1));
    }

    private static void swap(long[] a, int i, int j) {
        long t = a[i];
        a[i] = a[j];
        a[j] = t;
    }
}
