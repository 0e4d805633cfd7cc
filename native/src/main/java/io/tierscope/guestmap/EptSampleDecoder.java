package io.tierscope.guestmap;

/**
 * Decodes kvm-ept-sample samples. The module hands out {@code struct { uint32_t gfn:29; uint32_t xwr:3; }};
 * gcc on little-endian x86-64 allocates the first bit-field at the least significant bits, so as a
 * little-endian u32 {@code gfn = v & 0x1FFFFFFF} and {@code xwr = v >>> 29}.
 */
public final class EptSampleDecoder {
    public static final int GFN_MASK = 0x1FFFFFFF;
    public static final int XWR_SHIFT = 29;

    private EptSampleDecoder() {
    }

    public static long gfn(int raw) {
        return raw & GFN_MASK;
    }

    public static byte xwr(int raw) {
        return (byte) (raw >>> XWR_SHIFT);
    }

    /** Decodes {@code raw[0..count)} into {@code gfn[offset..)} and {@code xwr[offset..)}. */
    public static void decode(int[] raw, int count, long[] gfn, byte[] xwr, int offset) {
        for (int i = 0; i < count; i++) {
            int v = raw[i];
            gfn[offset + i] = v & GFN_MASK;
            xwr[offset + i] = (byte) (v >>> XWR_SHIFT);
        }
    }
}
