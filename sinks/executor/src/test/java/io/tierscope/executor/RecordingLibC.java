package io.tierscope.executor;

import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;
import io.tierscope.nativeaccess.LibC;
import io.tierscope.nativeaccess.MovePages;

/**
 * The real C library, counting move_pages calls by kind, so tests can prove a dry run never made a
 * moving call; optionally failing moving calls with an errno this machine cannot produce (EPERM as root).
 */
final class RecordingLibC implements LibC {
    private final LibC real = LibC.load();
    int queryCalls;
    int moveCalls;
    /** When non-zero, moving calls fail with this errno instead of reaching the kernel. */
    int failMovesWith;

    @Override
    public long syscall(long number, int pid, long count, Pointer pages, Pointer nodes, Pointer status, int flags) {
        if (number == MovePages.SYS_MOVE_PAGES_X86_64) {
            if (nodes == null) {
                queryCalls++;
            } else {
                moveCalls++;
                if (failMovesWith != 0) {
                    throw new LastErrorException(failMovesWith);
                }
            }
        }
        return real.syscall(number, pid, count, pages, nodes, status, flags);
    }

    @Override
    public int open(String path, int flags) {
        return real.open(path, flags);
    }

    @Override
    public int close(int fd) {
        return real.close(fd);
    }

    @Override
    public long read(int fd, Pointer buf, long count) {
        return real.read(fd, buf, count);
    }

    @Override
    public long write(int fd, Pointer buf, long count) {
        return real.write(fd, buf, count);
    }

    @Override
    public long pread(int fd, Pointer buf, long count, long offset) {
        return real.pread(fd, buf, count, offset);
    }

    @Override
    public long pwrite(int fd, Pointer buf, long count, long offset) {
        return real.pwrite(fd, buf, count, offset);
    }

    @Override
    public int ioctl(int fd, long request, long arg) {
        return real.ioctl(fd, request, arg);
    }

    @Override
    public int ioctl(int fd, long request, Pointer arg) {
        return real.ioctl(fd, request, arg);
    }

    @Override
    public Pointer mmap(Pointer addr, long length, int prot, int flags, int fd, long offset) {
        return real.mmap(addr, length, prot, flags, fd, offset);
    }

    @Override
    public int munmap(Pointer addr, long length) {
        return real.munmap(addr, length);
    }

    @Override
    public String strerror(int errnum) {
        return real.strerror(errnum);
    }
}
