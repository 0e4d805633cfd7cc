package io.tierscope.workload.trace;

import io.tierscope.workload.AccessBatch;
import io.tierscope.workload.AccessReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads the {@link BinaryTrace} format; errors name the 1-based record number. */
public final class BinaryTraceReader implements AccessReader {
    private static final int MAX_VM_NAME_BYTES = 4096;

    private final InputStream in;
    private final String source;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int limit;
    private long record;
    private final List<String> vmNames = new ArrayList<>();
    private long[] previous = new long[4];
    private int currentVm = -1;

    public BinaryTraceReader(InputStream in, String source) throws IOException {
        this.in = in;
        this.source = source;
        byte[] head = in.readNBytes(BinaryTrace.MAGIC.length + 1);
        if (head.length < BinaryTrace.MAGIC.length + 1
                || !Arrays.equals(head, 0, BinaryTrace.MAGIC.length, BinaryTrace.MAGIC, 0, BinaryTrace.MAGIC.length)) {
            throw new TraceFormatException(source, 0, null, "not a Tierscope binary trace (magic 'TSTR' missing)");
        }
        int version = head[BinaryTrace.MAGIC.length] & 0xff;
        if (version != BinaryTrace.VERSION) {
            throw new TraceFormatException(source, 0, null,
                    "unsupported binary trace version " + version + " (this reader knows " + BinaryTrace.VERSION + ")");
        }
    }

    @Override
    public int read(AccessBatch batch) throws IOException {
        batch.clear();
        while (!batch.isFull()) {
            int control = nextByte(true);
            if (control < 0) {
                break;
            }
            record++;
            if ((control & ~(BinaryTrace.XWR_MASK | BinaryTrace.VM_FOLLOWS)) != 0) {
                throw error("control byte 0x" + Integer.toHexString(control) + " has reserved bits set");
            }
            if ((control & BinaryTrace.VM_FOLLOWS) != 0) {
                currentVm = readVmRef();
            } else if (currentVm < 0) {
                throw error("first record names no VM");
            }
            long gfn = previous[currentVm] + BinaryTrace.unzigzag(readVarint());
            if (gfn < 0) {
                throw error("page number " + gfn + " is negative");
            }
            previous[currentVm] = gfn;
            batch.add(gfn, control & BinaryTrace.XWR_MASK, currentVm);
        }
        return batch.size();
    }

    private int readVmRef() throws IOException {
        long index = readVarint();
        if (index < vmNames.size()) {
            return (int) index;
        }
        if (index != vmNames.size()) {
            throw error("VM index " + index + " skips past the " + vmNames.size() + " VMs defined so far");
        }
        long length = readVarint();
        if (length > MAX_VM_NAME_BYTES) {
            throw error("VM name of " + length + " bytes is longer than " + MAX_VM_NAME_BYTES);
        }
        byte[] name = new byte[(int) length];
        for (int i = 0; i < name.length; i++) {
            name[i] = (byte) nextByte(false);
        }
        vmNames.add(new String(name, StandardCharsets.UTF_8));
        if (previous.length < vmNames.size()) {
            previous = Arrays.copyOf(previous, previous.length * 2);
        }
        return (int) index;
    }

    private long readVarint() throws IOException {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = nextByte(false);
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw error("varint longer than 10 bytes");
    }

    /** The next byte, or -1 at a clean end of input when {@code endAllowed}. */
    private int nextByte(boolean endAllowed) throws IOException {
        if (pos == limit) {
            int n = in.read(buf);
            if (n <= 0) {
                if (endAllowed) {
                    return -1;
                }
                throw error("file ends in the middle of a record");
            }
            pos = 0;
            limit = n;
        }
        return buf[pos++] & 0xff;
    }

    private TraceFormatException error(String problem) {
        return new TraceFormatException(source, record, null, "binary record " + record + ": " + problem);
    }

    @Override
    public int vmCount() {
        return vmNames.size();
    }

    @Override
    public String vmName(int index) {
        return vmNames.get(index);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
