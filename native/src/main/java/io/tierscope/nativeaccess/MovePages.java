package io.tierscope.nativeaccess;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;

/**
 * move_pages(2) through syscall(2) (glibc has no wrapper; the number is x86-64's). With
 * {@code nodes == null} it only reports, per page, the node the page is on (or a negative errno
 * such as -ENOENT for a page that is not present) and moves nothing.
 */
public final class MovePages {
    /** __NR_move_pages on x86-64 (arch/x86/entry/syscalls/syscall_64.tbl). */
    public static final long SYS_MOVE_PAGES_X86_64 = 279;
    public static final int MPOL_MF_MOVE = 1 << 1;
    public static final int MPOL_MF_MOVE_ALL = 1 << 2;

    private MovePages() {
    }

    /**
     * Calls move_pages for {@code count} pages.
     *
     * @param pid       target process, 0 for the caller
     * @param addresses page-aligned virtual addresses in that process
     * @param nodes     target node per page, or null to query where the pages are
     * @param status    out: node per page, or a negative errno for that page
     * @return 0 when every page was handled, or the number of pages that were not moved
     */
    public static long movePages(LibC libc, int pid, long[] addresses, int[] nodes, int[] status, int count, int flags)
            throws NativeIOException {
        if (!"amd64".equals(System.getProperty("os.arch")) && !"x86_64".equals(System.getProperty("os.arch"))) {
            throw new IllegalStateException("move_pages binding uses the x86-64 syscall number; this JVM runs on "
                    + System.getProperty("os.arch"));
        }
        if (count == 0) {
            return 0;
        }
        try (Memory pages = new Memory((long) count * Native.POINTER_SIZE);
             Memory statusMem = new Memory((long) count * Integer.BYTES);
             Memory nodesMem = nodes == null ? null : new Memory((long) count * Integer.BYTES)) {
            pages.write(0, addresses, 0, count);
            if (nodesMem != null) {
                nodesMem.write(0, nodes, 0, count);
            }
            long notMoved = libc.syscall(SYS_MOVE_PAGES_X86_64, pid, count, pages, nodesMem, statusMem, flags);
            statusMem.read(0, status, 0, count);
            return notMoved;
        } catch (LastErrorException e) {
            throw NativeError.of(libc, NativeOperation.MOVE_PAGES, "pid " + pid + ", " + count + " pages", e);
        }
    }
}
