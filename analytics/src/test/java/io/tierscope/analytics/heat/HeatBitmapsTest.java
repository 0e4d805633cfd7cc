package io.tierscope.analytics.heat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class HeatBitmapsTest {
    @Test
    void sliceShiftsAnUnalignedRange() {
        byte[] whole = {(byte) 0b1010_0000, (byte) 0b0000_0101};
        assertArrayEquals(new byte[] {(byte) 0b0010_1101}, HeatBitmaps.slice(whole, 5, 6));
        assertEquals(4, HeatBitmaps.countSet(whole));
    }

    @Test
    void sliceRejectsRangesOutsideTheBitmap() {
        InvalidBitmapException e = assertThrows(InvalidBitmapException.class, () -> HeatBitmaps.slice(new byte[2], 10, 7));
        assertEquals("pages [10, 17) are not inside a bitmap of 2 bytes", e.getMessage());
    }
}
