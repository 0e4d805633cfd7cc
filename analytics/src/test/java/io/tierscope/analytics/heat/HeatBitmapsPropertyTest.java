package io.tierscope.analytics.heat;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class HeatBitmapsPropertyTest {
    @Property(tries = 200)
    void sliceKeepsExactlyThePagesOfTheRange(@ForAll long seed, @ForAll @IntRange(max = 300) int pages,
                                             @ForAll @IntRange(max = 300) int from, @ForAll @IntRange(max = 300) int count) {
        int start = Math.min(from, pages);
        int n = Math.min(count, pages - start);
        byte[] whole = new byte[HeatBitmaps.bytesFor(pages)];
        new Random(seed).nextBytes(whole);
        if ((pages & 7) != 0) {
            whole[whole.length - 1] &= (byte) ((1 << (pages & 7)) - 1);
        }
        byte[] part = HeatBitmaps.slice(whole, start, n);
        HeatBitmaps.requireValid("slice", part, n); // no padding bits leak in
        for (int p = 0; p < n; p++) {
            assertEquals(HeatBitmaps.isSet(whole, start + p), HeatBitmaps.isSet(part, p), "page " + p);
        }
    }
}
