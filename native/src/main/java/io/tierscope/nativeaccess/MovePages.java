package io.tierscope.nativeaccess;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import java.util.Arrays;

/**
 * move_pages(2) through syscall(2) (glibc has no wrapper; the number is x86-64's), in two entry
 * points that cannot be confused: {@link #query} passes {@code nodes == null}, so the kernel only
 * reports where each page is and moves nothing; {@link #move} moves.
 *
 * <p>Status per page is the node the page is on, or a negative errno for that page (-ENOENT: not
 * present, -EFAULT: not mapped, -EACCES: shared and not movable with {@link #MPOL_MF_MOVE},
 * -EBUSY: in use). When a move partly fails the kernel returns the number of pages it did not
 * migrate and stops writing status (mm/migrate.c do_pages_move): entries it did not reach keep
 * {@link #NOT_REACHED}.
 */
public final class MovePages {
    /** __NR_move_pages on x86-64 (arch/x86/entry/syscalls/syscall_64.tbl). */
    public static final long SYS_MOVE_PAGES_X86_64 = 279;
    /** Move pages mapped only by this process. */
    public static final int MPOL_MF_MOVE = 1 << 1;
    /** Move shared pages too (needs CAP_SYS_NICE). */
    public static final int MPOL_MF_MOVE_ALL = 1 << 2;
    /** Status of a page the kernel did not get to (it stops at the first failed batch). */
    public static final int NOT_REACHED = Integer.MIN_VALUE;

    private MovePages() {
    }

    /**
     * Where {@code count} pages of process {@code pid} are: moves nothing.
     *
     * @param pid       target process, 0 for the caller
     * @param addresses page-aligned virtual addresses in that process
     * @param status    out: node per page, or a negative errno for that page
     * @throws NativeIOException when the call as a whole fails (ESRCH: process gone, EPERM: no permission)
     */
    public static void query(LibC libc, int pid, long[] addresses, int[] status, int count) throws NativeIOException {
        call(libc, pid, addresses, null, status, count, 0);
    }

    /**
     * Moves {@code count} pages of process {@code pid}, page i to {@code nodes[i]}.
     *
     * @param flags {@link #MPOL_MF_MOVE} or {@link #MPOL_MF_MOVE_ALL}
     * @return 0 when every page was handled (each status says how), or the number of pages not
     *         migrated; statuses the kernel did not write are {@link #NOT_REACHED}
     * @throws NativeIOException when the call as a whole fails (ESRCH, EPERM, ENODEV: a node is not
     *                           online, EACCES: a node outside the process's cpuset)
     */
    public static long move(LibC libc, int pid, long[] addresses, int[] nodes, int[] status, int count, int flags)
            throws NativeIOException {
        if (nodes == null) {
            throw new IllegalArgumentException("move needs a target node per page; use query to read where pages are");
        }
        return call(libc, pid, addresses, nodes, status, count, flags);
    }

    private static long call(LibC libc, int pid, long[] addresses, int[] nodes, int[] status, int count, int flags)
            throws NativeIOException {
        String arch = System.getProperty("os.arch");
        if (!"amd64".equals(arch) && !"x86_64".equals(arch)) {
            throw new IllegalStateException("move_pages binding uses the x86-64 syscall number; this JVM runs on " + arch);
        }
        if (count == 0) {
            return 0;
        }
        Arrays.fill(status, 0, count, NOT_REACHED);
        try (Memory pages = new Memory((long) count * Native.POINTER_SIZE);
             Memory statusMem = new Memory((long) count * Integer.BYTES);
             Memory nodesMem = nodes == null ? null : new Memory((long) count * Integer.BYTES)) {
            pages.write(0, addresses, 0, count);
            statusMem.write(0, status, 0, count);
            if (nodesMem != null) {
                nodesMem.write(0, nodes, 0, count);
            }
            try {
                return libc.syscall(SYS_MOVE_PAGES_X86_64, pid, count, pages, nodesMem, statusMem, flags);
            } finally {
                statusMem.read(0, status, 0, count);
            }
        } catch (LastErrorException e) {
            throw NativeError.of(libc, NativeOperation.MOVE_PAGES, "pid " + pid + ", " + count + " pages", e);
        }
    }
}
