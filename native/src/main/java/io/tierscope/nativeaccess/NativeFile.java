package io.tierscope.nativeaccess;

import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;

/**
 * An open file descriptor with positional and streaming I/O through {@link LibC}, so that
 * failures keep their errno (kernel interfaces like the idle page bitmap answer with precise
 * errnos that java.nio folds into generic messages). Each instance belongs to one thread.
 */
public final class NativeFile implements AutoCloseable {
    private final LibC libc;
    private final String path;
    private final NativeOperation readOp;
    private final NativeOperation writeOp;
    private int fd;

    private NativeFile(LibC libc, String path, int fd, NativeOperation readOp, NativeOperation writeOp) {
        this.libc = libc;
        this.path = path;
        this.fd = fd;
        this.readOp = readOp;
        this.writeOp = writeOp;
    }

    /**
     * Opens {@code path}; failures are reported as {@code openOp}, later reads as {@code readOp},
     * writes as {@code writeOp}.
     */
    public static NativeFile open(LibC libc, String path, int flags, NativeOperation openOp,
                                  NativeOperation readOp, NativeOperation writeOp) throws NativeIOException {
        try {
            int fd = libc.open(path, flags | LibC.O_CLOEXEC);
            return new NativeFile(libc, path, fd, readOp, writeOp);
        } catch (LastErrorException e) {
            throw NativeError.of(libc, openOp, path, e);
        }
    }

    public String path() {
        return path;
    }

    public int fd() {
        return fd;
    }

    /**
     * read(2): up to {@code count} bytes into {@code buf}; 0 at end of file or when nothing is
     * queued (EAGAIN of a non-blocking descriptor counts as nothing queued; EINTR is retried).
     */
    public long read(Pointer buf, long count) throws NativeIOException {
        while (true) {
            try {
                return libc.read(checkOpen(), buf, count);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == Errno.EAGAIN) {
                    return 0;
                }
                if (e.getErrorCode() != Errno.EINTR) {
                    throw NativeError.of(libc, readOp, path, e);
                }
            }
        }
    }

    /** pread(2) until {@code count} bytes or end of file; returns the bytes read. */
    public long preadFully(Pointer buf, long count, long offset) throws NativeIOException {
        long done = 0;
        while (done < count) {
            long n;
            try {
                n = libc.pread(checkOpen(), buf.share(done), count - done, offset + done);
            } catch (LastErrorException e) {
                if (e.getErrorCode() == Errno.EINTR) {
                    continue;
                }
                throw NativeError.of(libc, readOp, path + " at offset " + (offset + done), e);
            }
            if (n == 0) {
                break;
            }
            done += n;
        }
        return done;
    }

    /** pwrite(2) of exactly {@code count} bytes. */
    public void pwriteFully(Pointer buf, long count, long offset) throws NativeIOException {
        long done = 0;
        while (done < count) {
            try {
                done += libc.pwrite(checkOpen(), buf.share(done), count - done, offset + done);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != Errno.EINTR) {
                    throw NativeError.of(libc, writeOp, path + " at offset " + (offset + done), e);
                }
            }
        }
    }

    /** write(2) of exactly {@code count} bytes at the current position. */
    public void writeFully(Pointer buf, long count) throws NativeIOException {
        long done = 0;
        while (done < count) {
            try {
                done += libc.write(checkOpen(), buf.share(done), count - done);
            } catch (LastErrorException e) {
                if (e.getErrorCode() != Errno.EINTR) {
                    throw NativeError.of(libc, writeOp, path, e);
                }
            }
        }
    }

    private int checkOpen() {
        if (fd < 0) {
            throw new IllegalStateException(path + " is already closed");
        }
        return fd;
    }

    @Override
    public void close() throws NativeIOException {
        if (fd < 0) {
            return;
        }
        int closing = fd;
        fd = -1;
        try {
            libc.close(closing);
        } catch (LastErrorException e) {
            throw NativeError.of(libc, NativeOperation.CLOSE, path, e);
        }
    }
}
