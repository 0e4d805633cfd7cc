package io.tierscope.nativeaccess.testing;

import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;
import io.tierscope.nativeaccess.EptSampleAbi;
import io.tierscope.nativeaccess.Errno;
import io.tierscope.nativeaccess.LibC;
import java.util.ArrayList;
import java.util.List;

/**
 * A scripted kvm-ept-sample module behind the LibC interface, following the module's
 * src/interact.c: INIT fails with ESRCH for unknown pids, commands before INIT fail with EINVAL,
 * GET_MEMSLOTS fills at most {@code capacity} slots but always reports the full count, read
 * returns whole samples, at most {@link #maxSamplesPerRead} per call, 0 when empty.
 */
public final class FakeEptKernel implements LibC {
    public static final String DEVICE = "/fake/kvm_ept_sample";
    public static final int FD = 77;

    public final int vmPid;
    public final long[][] slots;
    public final List<String> calls = new ArrayList<>();
    public int maxSamplesPerRead = 100;
    /** When non-zero, read fails with this errno. */
    public int readErrno;
    /** When non-zero, INIT fails with this errno (EIO: another reader, the collector, holds the VM). */
    public int initErrno;
    /** The path open accepts (tests of code that checks the device file exists point it at a real file). */
    public String device = DEVICE;
    private final List<Integer> queue = new ArrayList<>();
    private boolean inited;
    private boolean open;

    /** @param slots {gpa, hva, pageCount} per memslot */
    public FakeEptKernel(int vmPid, long[]... slots) {
        this.vmPid = vmPid;
        this.slots = slots;
    }

    public void enqueue(int... raw) {
        for (int r : raw) {
            queue.add(r);
        }
    }

    @Override
    public int open(String path, int flags) {
        calls.add("open " + path);
        if (!device.equals(path)) {
            throw new LastErrorException(Errno.ENOENT);
        }
        open = true;
        return FD;
    }

    @Override
    public int close(int fd) {
        calls.add("close");
        checkFd(fd);
        open = false;
        inited = false;
        return 0;
    }

    @Override
    public long read(int fd, Pointer buf, long count) {
        checkFd(fd);
        if (readErrno != 0) {
            throw new LastErrorException(readErrno);
        }
        int n = (int) Math.min(Math.min(count / EptSampleAbi.SAMPLE_BYTES, queue.size()), maxSamplesPerRead);
        for (int i = 0; i < n; i++) {
            buf.setInt((long) i * EptSampleAbi.SAMPLE_BYTES, queue.remove(0));
        }
        return (long) n * EptSampleAbi.SAMPLE_BYTES;
    }

    @Override
    public int ioctl(int fd, long request, long arg) {
        checkFd(fd);
        calls.add("ioctl " + request + " " + arg);
        if (request == EptSampleAbi.CMD_INIT) {
            if (inited) {
                throw new LastErrorException(Errno.EINVAL);
            }
            if (arg != vmPid) {
                throw new LastErrorException(Errno.ESRCH);
            }
            if (initErrno != 0) {
                throw new LastErrorException(initErrno);
            }
            inited = true;
            return 0;
        }
        if (request == EptSampleAbi.CMD_SET_PROT || request == EptSampleAbi.CMD_SET_FREQ
                || request == EptSampleAbi.CMD_DEINIT) {
            if (!inited) {
                throw new LastErrorException(Errno.EINVAL);
            }
            if (request == EptSampleAbi.CMD_DEINIT) {
                inited = false;
            }
            return 0;
        }
        throw new LastErrorException(Errno.EINVAL);
    }

    @Override
    public int ioctl(int fd, long request, Pointer arg) {
        checkFd(fd);
        if (request != EptSampleAbi.CMD_GET_MEMSLOTS || arg == null || !inited) {
            throw new LastErrorException(Errno.EINVAL);
        }
        Pointer memslots = arg.getPointer(0);
        long capacity = arg.getLong(8);
        calls.add("ioctl " + request + " capacity " + capacity);
        if (memslots != null) {
            for (int i = 0; i < Math.min(capacity, slots.length); i++) {
                memslots.setLong(i * 24L, slots[i][0]);
                memslots.setLong(i * 24L + 8, slots[i][1]);
                memslots.setLong(i * 24L + 16, slots[i][2]);
            }
        }
        arg.setLong(16, slots.length);
        return 0;
    }

    private void checkFd(int fd) {
        if (fd != FD || !open) {
            throw new LastErrorException(Errno.EBADF);
        }
    }

    @Override
    public String strerror(int errnum) {
        return "strerror " + errnum;
    }

    @Override
    public long write(int fd, Pointer buf, long count) {
        throw new LastErrorException(Errno.ENOSYS);
    }

    @Override
    public long pread(int fd, Pointer buf, long count, long offset) {
        throw new LastErrorException(Errno.ENOSYS);
    }

    @Override
    public long pwrite(int fd, Pointer buf, long count, long offset) {
        throw new LastErrorException(Errno.ENOSYS);
    }

    @Override
    public long syscall(long number, int pid, long count, Pointer pages, Pointer nodes, Pointer status, int flags) {
        throw new LastErrorException(Errno.ENOSYS);
    }

    @Override
    public Pointer mmap(Pointer addr, long length, int prot, int flags, int fd, long offset) {
        throw new LastErrorException(Errno.ENOSYS);
    }

    @Override
    public int munmap(Pointer addr, long length) {
        throw new LastErrorException(Errno.ENOSYS);
    }
}
