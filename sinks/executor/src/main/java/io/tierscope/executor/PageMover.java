package io.tierscope.executor;

import io.tierscope.nativeaccess.LibC;
import io.tierscope.nativeaccess.MovePages;
import io.tierscope.nativeaccess.NativeIOException;
import java.util.Arrays;

/**
 * Moves pages of a process to a node: the only path to move_pages(2) with target nodes. The
 * executor holds one only with {@code --apply}; a dry run has none, so it cannot move a page.
 */
public class PageMover {
    private final LibC libc;
    private final int flags;

    /** @param moveShared also move pages the process shares with others (MPOL_MF_MOVE_ALL, needs CAP_SYS_NICE) */
    public PageMover(LibC libc, boolean moveShared) {
        this.libc = libc;
        this.flags = moveShared ? MovePages.MPOL_MF_MOVE_ALL : MovePages.MPOL_MF_MOVE;
    }

    /**
     * Moves {@code count} pages to {@code node}; {@code status} gets each page's node afterwards or
     * -errno, and {@link MovePages#NOT_REACHED} for pages the kernel gave up before.
     *
     * @return pages the kernel reported as not migrated (0 when every status is final)
     */
    public long move(int pid, long[] addresses, int node, int[] status, int count) throws NativeIOException {
        int[] nodes = new int[count];
        Arrays.fill(nodes, node);
        return MovePages.move(libc, pid, addresses, nodes, status, count, flags);
    }
}
