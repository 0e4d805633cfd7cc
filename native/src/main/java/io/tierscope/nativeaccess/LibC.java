package io.tierscope.nativeaccess;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The few glibc calls the collector and executor need (Linux, LP64: {@code size_t}/{@code ssize_t}/
 * {@code off_t} are Java {@code long}). Every call reports failure as {@link LastErrorException}
 * carrying errno; {@link NativeError} turns that into a message that says what to do.
 *
 * <p>An interface rather than static natives so tests can put a scripted kernel behind the
 * device protocol.
 */
public interface LibC extends Library {
    int O_RDONLY = 0;
    int O_WRONLY = 1;
    int O_RDWR = 2;
    int O_NONBLOCK = 04000;
    int O_CLOEXEC = 02000000;

    int PROT_READ = 1;
    int PROT_WRITE = 2;
    int MAP_PRIVATE = 0x02;
    int MAP_ANONYMOUS = 0x20;

    /** Loads the process's C library. */
    static LibC load() {
        return Holder.INSTANCE;
    }

    int open(String path, int flags) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    long read(int fd, Pointer buf, long count) throws LastErrorException;

    long write(int fd, Pointer buf, long count) throws LastErrorException;

    long pread(int fd, Pointer buf, long count, long offset) throws LastErrorException;

    long pwrite(int fd, Pointer buf, long count, long offset) throws LastErrorException;

    /** ioctl with an integer argument passed by value (kvm-ept-sample INIT/SET_PROT/SET_FREQ). */
    int ioctl(int fd, long request, long arg) throws LastErrorException;

    /** ioctl with a pointer argument (kvm-ept-sample GET_MEMSLOTS). */
    int ioctl(int fd, long request, Pointer arg) throws LastErrorException;

    /**
     * syscall(2) shaped for move_pages(2): {@code (nr, pid, count, pages, nodes, status, flags)}.
     * Use {@link MovePages} rather than calling this directly.
     */
    long syscall(long number, int pid, long count, Pointer pages, Pointer nodes, Pointer status, int flags)
            throws LastErrorException;

    Pointer mmap(Pointer addr, long length, int prot, int flags, int fd, long offset) throws LastErrorException;

    int munmap(Pointer addr, long length) throws LastErrorException;

    String strerror(int errnum);

    /** Lazy holder: the library is loaded on first use, not when the interface is touched. */
    final class Holder {
        static final LibC INSTANCE = Native.load("c", LibC.class);

        private Holder() {
        }
    }
}
