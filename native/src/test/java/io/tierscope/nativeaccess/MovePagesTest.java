package io.tierscope.nativeaccess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Pointer;
import org.junit.jupiter.api.Test;

/** The binding on this process's own pages: query mode (nodes == null) moves nothing; moves to node 0 of this machine. */
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
            MovePages.query(libc, 0, new long[] {base, base + PAGE}, status, 2);
            assertTrue(status[0] >= 0, "node of a present page, got " + status[0]);
            assertEquals(-Errno.ENOENT, status[1]);
        } finally {
            libc.munmap(mem, 2 * PAGE);
        }
    }

    @Test
    void gonePidIsReportedWithAdvice() {
        NativeIOException e = assertThrows(NativeIOException.class,
                () -> MovePages.query(LibC.load(), 0x3ffffff0, new long[] {PAGE}, new int[1], 1));
        assertEquals(Errno.ESRCH, e.errno());
        assertTrue(e.getMessage().contains("target process is gone"), e.getMessage());
    }

    @Test
    void moveToTheNodeThePageIsOnSucceedsAndAbsentPagesReportENOENT() throws Exception {
        LibC libc = LibC.load();
        Pointer mem = libc.mmap(null, 2 * PAGE, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_PRIVATE | LibC.MAP_ANONYMOUS, -1, 0);
        try {
            mem.setByte(0, (byte) 1);
            long base = Pointer.nativeValue(mem);
            int[] where = new int[1];
            MovePages.query(libc, 0, new long[] {base}, where, 1);
            int node = where[0];
            int[] status = new int[2];
            long notMoved = MovePages.move(libc, 0, new long[] {base, base + PAGE}, new int[] {node, node}, status, 2,
                    MovePages.MPOL_MF_MOVE);
            assertEquals(0, notMoved);
            assertEquals(node, status[0], "a present page reports the node it is on after the move");
            assertEquals(-Errno.ENOENT, status[1], "a page never touched is not present");
        } finally {
            libc.munmap(mem, 2 * PAGE);
        }
    }

    @Test
    void moveToANodeThatIsNotOnlineFailsWithENODEVAndAdvice() throws Exception {
        LibC libc = LibC.load();
        Pointer mem = libc.mmap(null, PAGE, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_PRIVATE | LibC.MAP_ANONYMOUS, -1, 0);
        try {
            mem.setByte(0, (byte) 1);
            // MAX_NUMNODES is at most 1024: node 1023 is a valid number that no test machine has online.
            NativeIOException e = assertThrows(NativeIOException.class, () -> MovePages.move(libc, 0,
                    new long[] {Pointer.nativeValue(mem)}, new int[] {1023}, new int[1], 1, MovePages.MPOL_MF_MOVE));
            assertEquals(Errno.ENODEV, e.errno());
            assertTrue(e.getMessage().contains("not online"), e.getMessage());
        } finally {
            libc.munmap(mem, PAGE);
        }
    }

    @Test
    void moveWithoutTargetNodesIsRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> MovePages.move(LibC.load(), 0, new long[] {PAGE}, null, new int[1], 1, MovePages.MPOL_MF_MOVE));
    }
}
