package io.tierscope.schemas;

import io.tierscope.avro.AdScan;
import java.io.ByteArrayOutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The run-length form of an A/D bitmap ({@code AdScan.accessedRuns}, {@code AdScan.dirtyRuns}):
 * unsigned LEB128 varints alternating the length of a run of clear bits and the length of the
 * run of set bits after it, from the chunk's first page on: {@code gap0, ones0, gap1, ones1, ...}.
 * Clear bits after the last run are implied. A scan period touches a small or clustered part of a
 * VM's pages, so this is usually far smaller than the bitmap (a 32,768-page chunk with 100
 * scattered set bits: about 250 bytes instead of 4 KiB); {@link #encodeIfSmaller} keeps the bitmap
 * when it is not.
 *
 * <p>Bitmaps are LSB first, as in AdScan: bit (i % 8) of byte (i / 8) is page i.
 */
public final class ScanRuns {
    /** Bitmaps read 64 pages at a time: LSB-first bytes in a little-endian long put page i at bit i. */
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private ScanRuns() {
    }

    /**
     * A scan's accessed bits as a bitmap, whether it carries them as one or as runs.
     *
     * @throws IllegalArgumentException when it carries both, or malformed runs
     */
    public static byte[] accessedBitmap(AdScan scan) {
        if (scan.getAccessedRuns() == null) {
            return bytes(scan.getAccessed());
        }
        if (scan.getAccessed().hasRemaining()) {
            throw new IllegalArgumentException("scan carries both an accessed bitmap and accessedRuns");
        }
        return decode(scan.getAccessedRuns(), scan.getPageCount(), "accessedRuns");
    }

    /** A scan's dirty bits as a bitmap, or null when it has none; as {@link #accessedBitmap}. */
    public static byte[] dirtyBitmap(AdScan scan) {
        if (scan.getDirtyRuns() == null) {
            return scan.getDirty() == null ? null : bytes(scan.getDirty());
        }
        if (scan.getDirty() != null) {
            throw new IllegalArgumentException("scan carries both a dirty bitmap and dirtyRuns");
        }
        return decode(scan.getDirtyRuns(), scan.getPageCount(), "dirtyRuns");
    }

    private static byte[] decode(ByteBuffer runs, int pageCount, String field) {
        try {
            return decode(bytes(runs), pageCount);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.duplicate().get(out);
        return out;
    }

    /**
     * The runs of the first {@code pageCount} bits of {@code bitmap}, or null when they would not
     * be smaller than the bitmap itself ({@link SampleCodec#bitmapBytes}).
     */
    public static byte[] encodeIfSmaller(byte[] bitmap, int pageCount) {
        int limit = SampleCodec.bitmapBytes(pageCount);
        Writer out = new Writer(Math.min(limit, 256));
        int pos = 0; // next bit not yet written
        int bit = nextSet(bitmap, 0, pageCount);
        while (bit >= 0) {
            int end = nextClear(bitmap, bit, pageCount);
            out.varint(bit - pos);
            out.varint(end - bit);
            if (out.size() >= limit) {
                return null;
            }
            pos = end;
            bit = end < pageCount ? nextSet(bitmap, end, pageCount) : -1;
        }
        return out.toByteArray();
    }

    /**
     * The bitmap of {@code pageCount} pages the runs describe.
     *
     * @throws IllegalArgumentException when the runs are malformed (a truncated varint, an empty run
     *         of set bits) or reach past {@code pageCount}
     */
    public static byte[] decode(byte[] runs, int pageCount) {
        if (pageCount < 0) {
            throw new IllegalArgumentException("negative pageCount " + pageCount);
        }
        byte[] bitmap = new byte[SampleCodec.bitmapBytes(pageCount)];
        int[] at = {0};
        long pos = 0;
        while (at[0] < runs.length) {
            long gap = varint(runs, at);
            if (at[0] >= runs.length) {
                throw new IllegalArgumentException("runs end after a gap, without its run of set bits");
            }
            long ones = varint(runs, at);
            if (ones <= 0) {
                throw new IllegalArgumentException("empty run of set bits at page " + (pos + gap));
            }
            pos += gap;
            if (pos + ones > pageCount) {
                throw new IllegalArgumentException("runs reach page " + (pos + ones) + ", past pageCount " + pageCount);
            }
            setBits(bitmap, (int) pos, (int) (pos + ones));
            pos += ones;
        }
        return bitmap;
    }

    private static void setBits(byte[] bitmap, int from, int to) {
        int i = from;
        for (; i < to && (i & 7) != 0; i++) {
            bitmap[i >>> 3] |= (byte) (1 << (i & 7));
        }
        for (; i + 8 <= to; i += 8) {
            bitmap[i >>> 3] = (byte) 0xFF;
        }
        for (; i < to; i++) {
            bitmap[i >>> 3] |= (byte) (1 << (i & 7));
        }
    }

    /** First set bit at or after {@code from}, or -1. Skips clear 64-bit words whole. */
    private static int nextSet(byte[] bitmap, int from, int pageCount) {
        int i = from;
        while (i < pageCount) {
            if ((i & 63) == 0 && (i >>> 3) + 8 <= bitmap.length) {
                long word = (long) LONGS.get(bitmap, i >>> 3);
                if (word == 0) {
                    i += 64;
                    continue;
                }
                int bit = i + Long.numberOfTrailingZeros(word);
                return bit < pageCount ? bit : -1;
            }
            if ((bitmap[i >>> 3] & (1 << (i & 7))) != 0) {
                return i;
            }
            i++;
        }
        return -1;
    }

    /** First clear bit at or after {@code from}, or pageCount. Skips full 64-bit words whole. */
    private static int nextClear(byte[] bitmap, int from, int pageCount) {
        int i = from;
        while (i < pageCount) {
            if ((i & 63) == 0 && (i >>> 3) + 8 <= bitmap.length) {
                long word = (long) LONGS.get(bitmap, i >>> 3);
                if (word == -1L) {
                    i += 64;
                    continue;
                }
                return Math.min(pageCount, i + Long.numberOfTrailingZeros(~word));
            }
            if ((bitmap[i >>> 3] & (1 << (i & 7))) == 0) {
                return i;
            }
            i++;
        }
        return pageCount;
    }

    private static long varint(byte[] in, int[] at) {
        long value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            if (at[0] >= in.length) {
                throw new IllegalArgumentException("runs end inside a varint");
            }
            int b = in[at[0]++] & 0xFF;
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("varint longer than 5 bytes in runs");
    }

    private static final class Writer extends ByteArrayOutputStream {
        Writer(int size) {
            super(size);
        }

        void varint(int value) {
            while ((value & ~0x7F) != 0) {
                write((value & 0x7F) | 0x80);
                value >>>= 7;
            }
            write(value);
        }
    }
}
