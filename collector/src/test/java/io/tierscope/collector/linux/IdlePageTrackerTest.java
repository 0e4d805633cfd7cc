package io.tierscope.collector.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.nativeaccess.Errno;
import io.tierscope.nativeaccess.LibC;
import io.tierscope.nativeaccess.NativeIOException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a regular file laid out like /sys/kernel/mm/page_idle/bitmap (u64 words, bit pfn % 64
 * of word pfn / 64, native little-endian), never the real one.
 */
class IdlePageTrackerTest {
    private static final int WORDS = 4096;

    @TempDir
    Path dir;

    @Test
    void setIdleWritesExactlyTheBitsOfTheGivenPfns() throws Exception {
        Path bitmap = bitmapFile(0xAAAAAAAAAAAAAAAAL);
        long[] pfns = {0, 63, 64, 1000, 130, 129, 4095 * 64 + 5};
        try (IdlePageTracker tracker = IdlePageTracker.open(LibC.load(), bitmap.toString())) {
            tracker.setIdle(pfns, pfns.length);
        }
        long[] words = readWords(bitmap);
        assertEquals(1L | 1L << 63, words[0]);
        assertEquals(1L, words[1]);
        assertEquals(1L << 1 | 1L << 2, words[2]);
        assertEquals(1L << (1000 % 64), words[1000 / 64]);
        assertEquals(1L << 5, words[4095]);
        // Words holding none of the PFNs are left alone.
        assertEquals(0xAAAAAAAAAAAAAAAAL, words[3]);
        assertEquals(0xAAAAAAAAAAAAAAAAL, words[1000 / 64 - 1]);
    }

    @Test
    void readIdleReportsPagesTheKernelHasNotClearedAsIdle() throws Exception {
        Path bitmap = bitmapFile(0);
        long[] pfns = new long[500];
        for (int i = 0; i < pfns.length; i++) {
            pfns[i] = (i * 7919L) % (WORDS * 64L); // scattered, unsorted
        }
        long[] idle = new long[(pfns.length + 63) / 64];
        try (IdlePageTracker tracker = IdlePageTracker.open(LibC.load(), bitmap.toString())) {
            tracker.setIdle(pfns, pfns.length);
            // The kernel clears the idle flag of pages that get accessed: every third one here.
            long[] words = readWords(bitmap);
            for (int i = 0; i < pfns.length; i += 3) {
                words[(int) (pfns[i] >>> 6)] &= ~(1L << (pfns[i] & 63));
            }
            writeWords(bitmap, words);
            tracker.readIdle(pfns, pfns.length, idle);
        }
        for (int i = 0; i < pfns.length; i++) {
            boolean isIdle = (idle[i >>> 6] >>> (i & 63) & 1) != 0;
            assertEquals(i % 3 != 0, isIdle, "pfn " + pfns[i] + " at index " + i);
        }
    }

    @Test
    void readBeyondTheLastPageFrameIsAClearError() throws Exception {
        Path bitmap = bitmapFile(0);
        try (IdlePageTracker tracker = IdlePageTracker.open(LibC.load(), bitmap.toString())) {
            long[] pfns = {WORDS * 64L + 10};
            IOException e = assertThrows(IOException.class, () -> tracker.readIdle(pfns, 1, new long[1]));
            assertTrue(e.getMessage().contains("beyond the machine's last page frame"), e.getMessage());
        }
    }

    @Test
    void missingBitmapNamesTheKernelOption() {
        NativeIOException e = assertThrows(NativeIOException.class,
                () -> IdlePageTracker.open(LibC.load(), dir.resolve("page_idle/bitmap").toString()));
        assertEquals(Errno.ENOENT, e.errno());
        assertTrue(e.getMessage().contains("CONFIG_IDLE_PAGE_TRACKING"), e.getMessage());
    }

    private Path bitmapFile(long fill) throws IOException {
        Path bitmap = dir.resolve("bitmap");
        long[] words = new long[WORDS];
        java.util.Arrays.fill(words, fill);
        writeWords(bitmap, words);
        return bitmap;
    }

    static long[] readWords(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file)) {
            ByteBuffer b = ByteBuffer.allocate((int) ch.size()).order(ByteOrder.nativeOrder());
            while (b.hasRemaining() && ch.read(b) > 0) {
                // keep reading
            }
            b.flip();
            long[] words = new long[b.remaining() / 8];
            b.asLongBuffer().get(words);
            return words;
        }
    }

    static void writeWords(Path file, long[] words) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(words.length * 8).order(ByteOrder.nativeOrder());
        b.asLongBuffer().put(words);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }
    }
}
