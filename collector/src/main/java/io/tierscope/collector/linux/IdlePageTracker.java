package io.tierscope.collector.linux;

import com.sun.jna.Memory;
import io.tierscope.nativeaccess.LibC;
import io.tierscope.nativeaccess.NativeFile;
import io.tierscope.nativeaccess.NativeIOException;
import io.tierscope.nativeaccess.NativeOperation;
import java.io.IOException;
import java.util.Arrays;

/**
 * Idle page tracking through the page_idle bitmap (Documentation/admin-guide/mm/idle_page_tracking.rst):
 * one bit per PFN in 64-bit words, bit {@code pfn % 64} of the word at byte {@code (pfn / 64) * 8};
 * I/O must be whole, 8-byte-aligned words. Writing a 1 bit marks that page idle (0 bits change
 * nothing); reading gives 1 for pages not accessed since they were marked.
 *
 * <p>Work is per distinct bitmap word, in runs of consecutive words, so a scan costs one syscall per
 * run rather than per page.
 */
public final class IdlePageTracker implements AutoCloseable {
    public static final String DEFAULT_BITMAP = "/sys/kernel/mm/page_idle/bitmap";
    /** Reads bridge gaps of up to this many unused words: one bigger read beats two syscalls. */
    private static final int READ_GAP_WORDS = 32;
    private static final int BUFFER_WORDS = 64 * 1024;

    private final NativeFile file;
    private final Memory buffer = new Memory((long) BUFFER_WORDS * Long.BYTES);
    private final long[] bufferWords = new long[BUFFER_WORDS];
    private long[] words = new long[0];
    private long[] values = new long[0];
    private int wordCount;

    private IdlePageTracker(NativeFile file) {
        this.file = file;
    }

    /** Opens the bitmap at {@code path} for reading and writing ({@link #DEFAULT_BITMAP} on a real host). */
    public static IdlePageTracker open(LibC libc, String path) throws NativeIOException {
        return new IdlePageTracker(NativeFile.open(libc, path, LibC.O_RDWR,
                NativeOperation.PAGE_IDLE_OPEN, NativeOperation.PAGE_IDLE_READ, NativeOperation.PAGE_IDLE_WRITE));
    }

    /** Marks {@code pfns[0..count)} idle. */
    public void setIdle(long[] pfns, int count) throws IOException {
        collectWords(pfns, count);
        Arrays.fill(values, 0, wordCount, 0L);
        for (int i = 0; i < count; i++) {
            values[indexOf(pfns[i] >>> 6)] |= 1L << (pfns[i] & 63);
        }
        int run = 0;
        while (run < wordCount) {
            int end = run + 1;
            while (end < wordCount && words[end] == words[end - 1] + 1 && end - run < BUFFER_WORDS) {
                end++;
            }
            buffer.write(0, values, run, end - run);
            file.pwriteFully(buffer, (long) (end - run) * Long.BYTES, words[run] * Long.BYTES);
            run = end;
        }
    }

    /**
     * Reads the idle bits of {@code pfns[0..count)} into {@code idleOut}: bit {@code i % 64} of
     * {@code idleOut[i / 64]} is set when {@code pfns[i]} is still idle. {@code idleOut} needs
     * {@code ceil(count / 64)} words; they are overwritten.
     */
    public void readIdle(long[] pfns, int count, long[] idleOut) throws IOException {
        collectWords(pfns, count);
        int run = 0;
        while (run < wordCount) {
            long first = words[run];
            int end = run + 1;
            while (end < wordCount && words[end] - words[end - 1] <= READ_GAP_WORDS + 1
                    && words[end] - first < BUFFER_WORDS) {
                end++;
            }
            int span = (int) (words[end - 1] - first + 1);
            long offset = first * Long.BYTES;
            long got = file.preadFully(buffer, (long) span * Long.BYTES, offset);
            if (got != (long) span * Long.BYTES) {
                throw new IOException(file.path() + " ended at byte " + (offset + got) + ": PFN "
                        + ((offset + got) / Long.BYTES * 64) + " and above lie beyond the machine's last page frame;"
                        + " the pagemap entries were stale or are not PFNs of this machine");
            }
            buffer.read(0, bufferWords, 0, span);
            for (int w = run; w < end; w++) {
                values[w] = bufferWords[(int) (words[w] - first)];
            }
            run = end;
        }
        Arrays.fill(idleOut, 0, (count + 63) >>> 6, 0L);
        for (int i = 0; i < count; i++) {
            long word = values[indexOf(pfns[i] >>> 6)];
            if ((word >>> (pfns[i] & 63) & 1) != 0) {
                idleOut[i >>> 6] |= 1L << (i & 63);
            }
        }
    }

    /** Sorted distinct bitmap word indexes of the PFNs into {@code words[0..wordCount)}. */
    private void collectWords(long[] pfns, int count) {
        if (words.length < count) {
            words = new long[count];
            values = new long[count];
        }
        for (int i = 0; i < count; i++) {
            if (pfns[i] < 0) {
                throw new IllegalArgumentException("negative PFN " + pfns[i] + " at index " + i);
            }
            words[i] = pfns[i] >>> 6;
        }
        Arrays.sort(words, 0, count);
        int distinct = 0;
        for (int i = 0; i < count; i++) {
            if (distinct == 0 || words[i] != words[distinct - 1]) {
                words[distinct++] = words[i];
            }
        }
        wordCount = distinct;
    }

    private int indexOf(long word) {
        return Arrays.binarySearch(words, 0, wordCount, word);
    }

    @Override
    public void close() throws NativeIOException {
        buffer.close();
        file.close();
    }
}
