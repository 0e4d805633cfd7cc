package io.tierscope.schemas;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The packed sample layout of {@code SampleBatch.samples}: 8 bytes per sample, little-endian
 * u64, bits 0-2 xwr (bit0 read, bit1 write, bit2 execute, as kvm-ept-sample reports them),
 * bits 3-63 the guest frame number. Wider than the kernel's 29-bit gfn so that traces of
 * large address spaces fit too.
 */
public final class SampleCodec {
    public static final int BYTES_PER_SAMPLE = 8;
    public static final int READ = 1;
    public static final int WRITE = 2;
    public static final int EXEC = 4;
    /** Largest gfn the layout can carry. */
    public static final long MAX_GFN = (1L << 61) - 1;

    private SampleCodec() {
    }

    public static long pack(long gfn, int xwr) {
        return (gfn << 3) | (xwr & 7);
    }

    public static long gfn(long packed) {
        return packed >>> 3;
    }

    public static int xwr(long packed) {
        return (int) (packed & 7);
    }

    /** Packs {@code count} samples into a little-endian byte buffer ready for the Avro bytes field. */
    public static ByteBuffer encode(long[] gfns, byte[] xwrs, int count) {
        ByteBuffer out = ByteBuffer.allocate(count * BYTES_PER_SAMPLE).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) {
            out.putLong(pack(gfns[i], xwrs[i]));
        }
        return out.flip();
    }

    /**
     * A little-endian view of a samples field, positioned at its first sample.
     *
     * @throws IllegalArgumentException when the length is not 8 * sampleCount
     */
    public static ByteBuffer view(ByteBuffer samples, int sampleCount) {
        ByteBuffer view = samples.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (sampleCount < 0 || view.remaining() != (long) sampleCount * BYTES_PER_SAMPLE) {
            throw new IllegalArgumentException("samples field holds " + view.remaining()
                    + " bytes but sampleCount " + sampleCount + " needs " + (long) sampleCount * BYTES_PER_SAMPLE);
        }
        return view;
    }

    /** Bytes an accessed/dirty bitmap of {@code pageCount} pages takes (LSB-first, see AdScan). */
    public static int bitmapBytes(int pageCount) {
        return (pageCount + 7) >>> 3;
    }
}
