package io.tierscope.collector.linux;

import com.sun.jna.Memory;
import io.tierscope.nativeaccess.LibC;
import io.tierscope.nativeaccess.NativeFile;
import io.tierscope.nativeaccess.NativeIOException;
import io.tierscope.nativeaccess.NativeOperation;

/**
 * Soft-dirty tracking (Documentation/admin-guide/mm/soft-dirty.rst): writing "4" to
 * /proc/PID/clear_refs clears the soft-dirty bits of every page of that process; a later write
 * sets pagemap bit 55 ({@link PagemapReader#SOFT_DIRTY}) again. Needs CONFIG_MEM_SOFT_DIRTY.
 */
public final class SoftDirtyTracker implements AutoCloseable {
    private static final byte CLEAR_SOFT_DIRTY = '4';

    private final NativeFile clearRefs;
    private final Memory command = new Memory(1);

    private SoftDirtyTracker(NativeFile clearRefs) {
        this.clearRefs = clearRefs;
        command.setByte(0, CLEAR_SOFT_DIRTY);
    }

    /** Opens /proc/{@code pid}/clear_refs. */
    public static SoftDirtyTracker open(LibC libc, int pid) throws NativeIOException {
        return open(libc, "/proc/" + pid + "/clear_refs");
    }

    public static SoftDirtyTracker open(LibC libc, String clearRefsPath) throws NativeIOException {
        return new SoftDirtyTracker(NativeFile.open(libc, clearRefsPath, LibC.O_WRONLY,
                NativeOperation.CLEAR_REFS_OPEN, NativeOperation.CLEAR_REFS_WRITE, NativeOperation.CLEAR_REFS_WRITE));
    }

    /** Clears the process's soft-dirty bits (clear_refs "4"). */
    public void clear() throws NativeIOException {
        clearRefs.pwriteFully(command, 1, 0);
    }

    @Override
    public void close() throws NativeIOException {
        command.close();
        clearRefs.close();
    }
}
