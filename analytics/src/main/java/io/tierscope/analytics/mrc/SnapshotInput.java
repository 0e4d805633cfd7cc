package io.tierscope.analytics.mrc;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/** Big-endian reader over a snapshot's bytes; running past the end is a clear "truncated" error. */
final class SnapshotInput {
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.BIG_ENDIAN);

    private final byte[] buf;
    private int pos;

    SnapshotInput(byte[] buf) {
        this.buf = buf;
    }

    private void need(int n, String what) {
        if (buf.length - pos < n) {
            throw new IllegalArgumentException("truncated MRC snapshot: " + what + " at byte " + pos + " of "
                    + buf.length);
        }
    }

    int readUnsignedByte(String what) {
        need(1, what);
        return buf[pos++] & 0xff;
    }

    int readUnsignedShort(String what) {
        need(2, what);
        int v = (short) SHORT.get(buf, pos) & 0xffff;
        pos += 2;
        return v;
    }

    int readInt(String what) {
        need(4, what);
        int v = (int) INT.get(buf, pos);
        pos += 4;
        return v;
    }

    long readLong(String what) {
        need(8, what);
        long v = (long) LONG.get(buf, pos);
        pos += 8;
        return v;
    }

    double readDouble(String what) {
        return Double.longBitsToDouble(readLong(what));
    }

    long readVarLong(String what) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            int b = readUnsignedByte(what);
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return v;
            }
        }
        throw new IllegalArgumentException("varint longer than 10 bytes in MRC snapshot: " + what + " at byte " + pos);
    }

    /** What {@link SnapshotOutput#writeZigzagUnchecked} wrote. */
    long readZigzag(String what) {
        long v = readVarLong(what);
        return (v >>> 1) ^ -(v & 1);
    }

    /** What {@link SnapshotOutput#writeDeltaPages} wrote: {@code n} pages. */
    long[] readDeltaPages(int n, String what) {
        long[] pages = new long[n];
        long previous = 0;
        for (int i = 0; i < n; i++) {
            pages[i] = previous + readZigzag(what);
            previous = pages[i];
        }
        return pages;
    }

    boolean atEnd() {
        return pos == buf.length;
    }

    int position() {
        return pos;
    }
}
