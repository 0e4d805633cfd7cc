package io.tierscope.guestmap;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import io.tierscope.nativeaccess.EptSampleAbi;
import io.tierscope.nativeaccess.Errno;
import io.tierscope.nativeaccess.LibC;
import io.tierscope.nativeaccess.NativeError;
import io.tierscope.nativeaccess.NativeFile;
import io.tierscope.nativeaccess.NativeIOException;
import io.tierscope.nativeaccess.NativeOperation;
import io.tierscope.nativeaccess.SizeT;
import java.io.IOException;

/**
 * One open handle of the kvm-ept-sample device and its protocol: INIT(pid), SET_PROT(xwr),
 * SET_FREQ(Hz), GET_MEMSLOTS, non-blocking reads of 4-byte samples, DEINIT and close. One handle
 * samples one VM; it belongs to one thread.
 */
public final class EptSampleDevice implements AutoCloseable {
    private static final int INITIAL_MEMSLOT_CAPACITY = 16;
    /** Slots can be hot-plugged between two GET_MEMSLOTS calls; retry this often before giving up. */
    private static final int MEMSLOT_ATTEMPTS = 8;
    /** KVM_USER_MEM_SLOTS is 32767 per address space; anything far above is a garbled reply. */
    private static final long MAX_PLAUSIBLE_MEMSLOTS = 1 << 16;

    private final LibC libc;
    private final NativeFile file;
    private boolean attached;
    private Memory readBuffer;
    private int[] raw = new int[0];

    private EptSampleDevice(LibC libc, NativeFile file) {
        this.libc = libc;
        this.file = file;
    }

    /** Opens the device at {@code path} (normally {@link EptSampleAbi#DEFAULT_DEVICE}). */
    public static EptSampleDevice open(LibC libc, String path) throws NativeIOException {
        return new EptSampleDevice(libc, NativeFile.open(libc, path, LibC.O_RDWR | LibC.O_NONBLOCK,
                NativeOperation.EPT_OPEN, NativeOperation.EPT_READ, NativeOperation.EPT_READ));
    }

    public String path() {
        return file.path();
    }

    /** INIT: attaches this handle to the KVM VM of QEMU process {@code pid}. */
    public void init(int pid) throws NativeIOException {
        ioctl(EptSampleAbi.CMD_INIT, pid, NativeOperation.EPT_INIT, "pid " + pid);
        attached = true;
    }

    /** SET_PROT: which access types to sample, bit0 read, bit1 write, bit2 execute. */
    public void setProtection(int xwr) throws NativeIOException {
        if (xwr < 1 || xwr > 7) {
            throw new IllegalArgumentException("xwr protection mask must be 1..7 (bit0 r, bit1 w, bit2 x), got " + xwr);
        }
        ioctl(EptSampleAbi.CMD_SET_PROT, xwr, NativeOperation.EPT_SET_PROT, "xwr " + xwr);
    }

    /** SET_FREQ: sampling timer frequency in Hz; 0 stops sampling. */
    public void setFrequency(long hz) throws NativeIOException {
        if (hz < 0) {
            throw new IllegalArgumentException("sampling frequency must be >= 0 Hz, got " + hz);
        }
        ioctl(EptSampleAbi.CMD_SET_FREQ, hz, NativeOperation.EPT_SET_FREQ, hz + " Hz");
    }

    /** GET_MEMSLOTS, growing the slot buffer until it holds every slot the VM has. */
    public MemslotTable memslots() throws NativeIOException {
        int capacity = INITIAL_MEMSLOT_CAPACITY;
        int slotBytes = new EptSampleAbi.Memslot().size();
        for (int attempt = 0; attempt < MEMSLOT_ATTEMPTS; attempt++) {
            try (Memory slots = new Memory((long) capacity * slotBytes)) {
                slots.clear();
                EptSampleAbi.GetMemslots request = new EptSampleAbi.GetMemslots();
                request.memslots = slots;
                request.capacity = new SizeT(capacity);
                request.write();
                try {
                    libc.ioctl(file.fd(), EptSampleAbi.CMD_GET_MEMSLOTS, request.getPointer());
                } catch (LastErrorException e) {
                    throw NativeError.of(libc, NativeOperation.EPT_GET_MEMSLOTS, file.path(), e);
                }
                request.read();
                long count = request.count.longValue();
                if (count > MAX_PLAUSIBLE_MEMSLOTS || count < 0) {
                    throw new NativeIOException(NativeOperation.EPT_GET_MEMSLOTS, file.path()
                            + ", reported count " + count, Errno.EIO, "implausible memslot count (KVM allows "
                            + "at most 32767 user slots per address space)");
                }
                if (count > capacity) {
                    capacity = (int) count;
                    continue;
                }
                int n = (int) count;
                long[] gpa = new long[n];
                long[] hva = new long[n];
                long[] pages = new long[n];
                for (int i = 0; i < n; i++) {
                    EptSampleAbi.Memslot slot = new EptSampleAbi.Memslot(slots.share((long) i * slotBytes));
                    slot.read();
                    gpa[i] = slot.gpa;
                    hva[i] = slot.hva;
                    pages[i] = slot.pageCount.longValue();
                }
                return MemslotTable.of(gpa, hva, pages, n);
            }
        }
        throw new IllegalStateException("the VM's memslot count kept growing over " + MEMSLOT_ATTEMPTS
                + " GET_MEMSLOTS calls (last " + capacity + "); memory is being hot-plugged, retry later");
    }

    /**
     * One read(2) of up to {@code max} samples, decoded into {@code gfn[offset..offset+n)} and
     * {@code xwr[offset..offset+n)}.
     * Never blocks.
     *
     * @return n; 0 when the kernel queue is empty
     * @throws IOException when the device returns a length that is not a multiple of 4 bytes
     */
    public int read(long[] gfn, byte[] xwr, int offset, int max) throws IOException {
        if (max <= 0) {
            return 0;
        }
        long bytes = (long) max * EptSampleAbi.SAMPLE_BYTES;
        if (readBuffer == null || readBuffer.size() < bytes) {
            if (readBuffer != null) {
                readBuffer.close();
            }
            readBuffer = new Memory(bytes);
            raw = new int[max];
        }
        long got = file.read(readBuffer, bytes);
        if (got % EptSampleAbi.SAMPLE_BYTES != 0) {
            throw new IOException(file.path() + " returned " + got + " bytes, not a multiple of "
                    + EptSampleAbi.SAMPLE_BYTES + ": this is not a kvm-ept-sample device or its samples are torn");
        }
        int n = (int) (got / EptSampleAbi.SAMPLE_BYTES);
        readBuffer.read(0, raw, 0, n);
        EptSampleDecoder.decode(raw, n, gfn, xwr, offset);
        return n;
    }

    private void ioctl(int command, long arg, NativeOperation op, String what) throws NativeIOException {
        try {
            libc.ioctl(file.fd(), command, arg);
        } catch (LastErrorException e) {
            throw NativeError.of(libc, op, file.path() + ", " + what, e);
        }
    }

    /** DEINIT (when attached), then close; the module also detaches on close, DEINIT makes it explicit. */
    @Override
    public void close() throws NativeIOException {
        try {
            if (attached) {
                attached = false;
                ioctl(EptSampleAbi.CMD_DEINIT, 0, NativeOperation.EPT_DEINIT, "deinit");
            }
        } finally {
            if (readBuffer != null) {
                readBuffer.close();
                readBuffer = null;
            }
            file.close();
        }
    }
}
