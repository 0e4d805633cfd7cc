package io.tierscope.analytics.heat;

/**
 * Bitmap layout of {@code AdScan.accessed/dirty}: ceil(pageCount / 8) bytes, LSB first, bit
 * (i % 8) of byte (i / 8) is page i of the range.
 */
public final class HeatBitmaps {
    private HeatBitmaps() {
    }

    /** Whether {@code bitmap} covers exactly {@code pageCount} pages (see {@link #requireValid}). */
    public static boolean isValid(byte[] bitmap, int pageCount) {
        if (bitmap == null || pageCount < 0 || bitmap.length != bytesFor(pageCount)) {
            return false;
        }
        int tailBits = pageCount & 7;
        return tailBits == 0 || ((bitmap[bitmap.length - 1] & 0xFF) >>> tailBits) == 0;
    }

    /** Bytes a bitmap of {@code pageCount} pages takes. */
    public static int bytesFor(int pageCount) {
        return (pageCount + 7) >>> 3;
    }

    /**
     * Checks that {@code bitmap} covers exactly {@code pageCount} pages: the right length, and no
     * bit set past the last page (a set padding bit means the producer thinks the range is larger).
     *
     * @param what names the bitmap in the message, e.g. "accessed bitmap of vm-7 chunk 3"
     * @throws InvalidBitmapException saying what is wrong, with the numbers
     */
    public static void requireValid(String what, byte[] bitmap, int pageCount) {
        if (bitmap == null) {
            throw new InvalidBitmapException(what + " is missing (pageCount " + pageCount + ")");
        }
        if (pageCount < 0) {
            throw new InvalidBitmapException(what + ": negative pageCount " + pageCount);
        }
        int expected = bytesFor(pageCount);
        if (bitmap.length != expected) {
            throw new InvalidBitmapException(what + " has " + bitmap.length + " bytes but pageCount "
                    + pageCount + " needs ceil(" + pageCount + "/8) = " + expected);
        }
        int tailBits = pageCount & 7;
        if (tailBits != 0) {
            int padding = (bitmap[expected - 1] & 0xFF) >>> tailBits;
            if (padding != 0) {
                int firstBad = (expected - 1) * 8 + tailBits + Integer.numberOfTrailingZeros(padding);
                throw new InvalidBitmapException(what + " sets bit " + firstBad
                        + " beyond its pageCount " + pageCount + " (last byte 0x"
                        + Integer.toHexString(bitmap[expected - 1] & 0xFF) + ")");
            }
        }
    }

    /**
     * Pages [{@code fromPage}, {@code fromPage + pageCount}) of {@code bitmap} as a bitmap of their
     * own (bit 0 = fromPage), e.g. to cut a scan of a gfn range that is not chunk-aligned into
     * chunk bitmaps.
     *
     * @throws InvalidBitmapException when the range is not inside the bitmap
     */
    public static byte[] slice(byte[] bitmap, long fromPage, int pageCount) {
        if (fromPage < 0 || pageCount < 0 || fromPage + pageCount > (long) bitmap.length * 8) {
            throw new InvalidBitmapException("pages [" + fromPage + ", " + (fromPage + pageCount)
                    + ") are not inside a bitmap of " + bitmap.length + " bytes");
        }
        byte[] out = new byte[bytesFor(pageCount)];
        int firstByte = (int) (fromPage >>> 3);
        int shift = (int) (fromPage & 7);
        for (int i = 0; i < out.length; i++) {
            int lo = (bitmap[firstByte + i] & 0xFF) >>> shift;
            int hi = shift != 0 && firstByte + i + 1 < bitmap.length ? (bitmap[firstByte + i + 1] & 0xFF) << (8 - shift) : 0;
            out[i] = (byte) (lo | hi);
        }
        int tailBits = pageCount & 7;
        if (tailBits != 0) {
            out[out.length - 1] &= (byte) ((1 << tailBits) - 1);
        }
        return out;
    }

    /** Pages whose bit is set (e.g. pages touched in a scan, for summaries). */
    public static int countSet(byte[] bitmap) {
        int n = 0;
        for (byte b : bitmap) {
            n += Integer.bitCount(b & 0xFF);
        }
        return n;
    }

    /** Whether bit {@code page} is set. */
    public static boolean isSet(byte[] bitmap, int page) {
        return (bitmap[page >>> 3] & (1 << (page & 7))) != 0;
    }

    /** Sets bit {@code page}. */
    public static void set(byte[] bitmap, int page) {
        bitmap[page >>> 3] |= (byte) (1 << (page & 7));
    }
}
