package io.tierscope.collector.linux;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import io.tierscope.nativeaccess.LibC;

/**
 * The real LibC, except that pwrite ORs into the file the way the kernel's page_idle bitmap
 * treats writes (1 bits mark pages idle, 0 bits change nothing), so a regular file can stand in
 * for the bitmap across several writes of the same word.
 */
final class IdleBitmapFileLibC implements LibC {
    private final LibC real = LibC.load();

    @Override
    public long pwrite(int fd, Pointer buf, long count, long offset) {
        try (Memory current = new Memory(count)) {
            current.clear();
            real.pread(fd, current, count, offset);
            for (long i = 0; i + Long.BYTES <= count; i += Long.BYTES) {
                current.setLong(i, current.getLong(i) | buf.getLong(i));
            }
            return real.pwrite(fd, current, count, offset);
        }
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
    public int ioctl(int fd, long request, long arg) {
        return real.ioctl(fd, request, arg);
    }

    @Override
    public int ioctl(int fd, long request, Pointer arg) {
        return real.ioctl(fd, request, arg);
    }

    @Override
    public long syscall(long number, int pid, long count, Pointer pages, Pointer nodes, Pointer status, int flags) {
        return real.syscall(number, pid, count, pages, nodes, status, flags);
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
