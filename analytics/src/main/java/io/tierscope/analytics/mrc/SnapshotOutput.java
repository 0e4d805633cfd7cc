package io.tierscope.analytics.mrc;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Growable big-endian byte buffer for engine snapshots, reused from one snapshot to the next so
 * a steady-state snapshot allocates only its result. Fixed-width fields go through a byte-array
 * view handle (one store each) instead of DataOutputStream's byte-at-a-time synchronized writes.
 */
final class SnapshotOutput {
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

    private byte[] buf;
    private int pos;
    private long[] pages = new long[0];

    SnapshotOutput(int initial) {
        buf = new byte[Math.max(64, initial)];
    }

    /** A reusable array of at least {@code n} longs for the pages being written. */
    long[] pageScratch(int n) {
        if (pages.length < n) {
            pages = new long[Math.max(n, pages.length * 2)];
        }
        return pages;
    }

    void reset() {
        pos = 0;
    }

    /** Makes room for {@code n} more bytes. */
    void ensure(int n) {
        if (buf.length - pos < n) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
        }
    }

    void writeByte(int v) {
        ensure(1);
        buf[pos++] = (byte) v;
    }

    void writeInt(int v) {
        ensure(4);
        INT.set(buf, pos, v);
        pos += 4;
    }

    void writeLong(long v) {
        ensure(8);
        LONG.set(buf, pos, v);
        pos += 8;
    }

    void writeDouble(double v) {
        writeLong(Double.doubleToRawLongBits(v));
    }

    /** Unsigned LEB128; callers must have {@link #ensure}d 10 bytes (the longest varint). */
    void writeVarLongUnchecked(long v) {
        while ((v & ~0x7FL) != 0) {
            buf[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[pos++] = (byte) v;
    }

    void writeVarLong(long v) {
        ensure(10);
        writeVarLongUnchecked(v);
    }

    /** Zigzag LEB128 (small magnitudes of either sign are short); callers must have {@link #ensure}d 10 bytes. */
    void writeZigzagUnchecked(long v) {
        writeVarLongUnchecked((v << 1) ^ (v >> 63));
    }

    /** {@code pages[0, n)} as zigzag varints of the differences from the previous page (the first from 0). */
    void writeDeltaPages(long[] pages, int n) {
        ensure(10 * n);
        long previous = 0;
        for (int i = 0; i < n; i++) {
            writeZigzagUnchecked(pages[i] - previous);
            previous = pages[i];
        }
    }

    /** Bytes held by the reusable arrays. */
    long retainedBytes() {
        return buf.length + 8L * pages.length;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, pos);
    }
}
