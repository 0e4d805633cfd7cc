package io.tierscope.executor;

import io.tierscope.nativeaccess.LibC;
import io.tierscope.nativeaccess.MovePages;
import io.tierscope.nativeaccess.NativeIOException;

/** Where pages of a process are: move_pages(2) in query mode only, which cannot move anything. */
public class PageLocator {
    /** Pages per query call: bounds the native buffers (a 32768-page chunk is one call). */
    static final int MAX_PAGES_PER_CALL = 32768;

    private final LibC libc;

    public PageLocator(LibC libc) {
        this.libc = libc;
    }

    /** Fills {@code status[0..count)} with the node of each page, or -errno (e.g. -ENOENT: not present). */
    public void locate(int pid, long[] addresses, int[] status, int count) throws NativeIOException {
        long[] a = new long[Math.min(count, MAX_PAGES_PER_CALL)];
        int[] s = new int[a.length];
        for (int done = 0; done < count; ) {
            int n = Math.min(a.length, count - done);
            System.arraycopy(addresses, done, a, 0, n);
            MovePages.query(libc, pid, a, s, n);
            System.arraycopy(s, 0, status, done, n);
            done += n;
        }
    }
}
