package io.tierscope.collector.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tierscope.nativeaccess.LibC;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/** The word grouping of {@link IdlePageTracker} against a bit-by-bit model, on a bitmap-shaped file. */
class IdlePageTrackerModelTest {
    private static final int WORDS = 1024;

    @Property(tries = 60)
    void readIdleAgreesWithABitByBitModel(
            @ForAll @Size(min = 1, max = 300) List<@LongRange(min = 0, max = WORDS * 64L - 1) Long> pfnList,
            @ForAll @Size(min = 1, max = 300) List<@LongRange(min = 0, max = WORDS * 64L - 1) Long> accessedList)
            throws Exception {
        long[] pfns = pfnList.stream().mapToLong(Long::longValue).toArray();
        Path bitmap = Files.createTempFile("page_idle", ".bitmap");
        try {
            IdlePageTrackerTest.writeWords(bitmap, new long[WORDS]);
            long[] idle = new long[(pfns.length + 63) / 64];
            try (IdlePageTracker tracker = IdlePageTracker.open(LibC.load(), bitmap.toString())) {
                tracker.setIdle(pfns, pfns.length);
                long[] words = IdlePageTrackerTest.readWords(bitmap);
                for (long pfn : accessedList) {
                    words[(int) (pfn >>> 6)] &= ~(1L << (pfn & 63));
                }
                IdlePageTrackerTest.writeWords(bitmap, words);
                tracker.readIdle(pfns, pfns.length, idle);
            }
            for (int i = 0; i < pfns.length; i++) {
                boolean expected = !accessedList.contains(pfns[i]);
                assertEquals(expected, (idle[i >>> 6] >>> (i & 63) & 1) != 0, "pfn " + pfns[i] + " at index " + i);
            }
        } finally {
            Files.delete(bitmap);
        }
    }
}
