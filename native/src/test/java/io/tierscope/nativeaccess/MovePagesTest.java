package io.tierscope.nativeaccess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Pointer;
import org.junit.jupiter.api.Test;

/** The binding on this process's own pages, in query mode (nodes == null): nothing moves. */
class MovePagesTest {
    private static final long PAGE = 4096;

    @Test
    void queryReportsTheNodeOfPresentPagesAndENOENTForOthers() throws Exception {
        LibC libc = LibC.load();
        Pointer mem = libc.mmap(null, 2 * PAGE, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_PRIVATE | LibC.MAP_ANONYMOUS, -1, 0);
        try {
            mem.setByte(0, (byte) 1); // page 0 present, page 1 never touched
            long base = Pointer.nativeValue(mem);
            int[] status = {Integer.MIN_VALUE, Integer.MIN_VALUE};
            long notMoved = MovePages.movePages(libc, 0, new long[] {base, base + PAGE}, null, status, 2, 0);
            assertEquals(0, notMoved);
            assertTrue(status[0] >= 0, "node of a present page, got " + status[0]);
            assertEquals(-Errno.ENOENT, status[1]);
        } finally {
            libc.munmap(mem, 2 * PAGE);
        }
    }

    @Test
    void gonePidIsReportedWithAdvice() {
        NativeIOException e = assertThrows(NativeIOException.class,
                () -> MovePages.movePages(LibC.load(), 0x3ffffff0, new long[] {PAGE}, null, new int[1], 1, 0));
        assertEquals(Errno.ESRCH, e.errno());
        assertTrue(e.getMessage().contains("target process is gone"), e.getMessage());
    }
}
