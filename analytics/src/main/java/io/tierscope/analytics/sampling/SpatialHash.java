package io.tierscope.analytics.sampling;

import java.nio.charset.StandardCharsets;

/**
 * The spatial-sampling hash of (VM, page), shared by the collector's pre-filter and the MRC
 * samplers so that both keep exactly the same pages (SHARDS, Waldspurger et al., FAST'15, §3).
 *
 * <p>Definition (stable: persisted thresholds and collector filters depend on it):
 * <pre>
 *   vmKey(vmId)      = FNV-1a 64 over the UTF-8 bytes of the VM id
 *   salt(vmKey)      = fmix64(vmKey ^ 0x9E3779B97F4A7C15)
 *   hash(vmKey, gfn) = fmix64(gfn ^ salt(vmKey)) >>> 8          (56 bits, uniform in [0, 2^56))
 *   sampled          = hash &lt; threshold,  rate = threshold / 2^56
 * </pre>
 * fmix64 is MurmurHash3's 64-bit finalizer, a bijection, so distinct pages of one VM never
 * collide before the final shift. A page sampled at a threshold stays sampled at any higher one,
 * which is what lets fixed-size sampling lower the threshold and simply drop pages above it.
 */
public final class SpatialHash {
    /** Bits of a hash value. */
    public static final int BITS = 56;
    /** Threshold that samples every page (rate 1). */
    public static final long ALL = 1L << BITS;
    private static final long GOLDEN = 0x9E3779B97F4A7C15L;
    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private SpatialHash() {
    }

    /** The 64-bit key of a VM id: FNV-1a over its UTF-8 bytes. */
    public static long vmKey(String vmId) {
        long h = FNV_OFFSET;
        for (byte b : vmId.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= FNV_PRIME;
        }
        return h;
    }

    /** The per-VM salt; precompute it once per VM for hot loops (see {@link SpatialFilter}). */
    public static long salt(long vmKey) {
        return fmix64(vmKey ^ GOLDEN);
    }

    /** Hash of page {@code gfn} of the VM with key {@code vmKey}, in [0, 2^56). */
    public static long hash(long vmKey, long gfn) {
        return saltedHash(salt(vmKey), gfn);
    }

    /** Hash of {@code gfn} given the VM's precomputed {@link #salt(long)}. */
    public static long saltedHash(long salt, long gfn) {
        return fmix64(gfn ^ salt) >>> (64 - BITS);
    }

    /** Threshold for sampling rate {@code rate} in (0, 1]. */
    public static long thresholdForRate(double rate) {
        if (!(rate > 0 && rate <= 1)) {
            throw new IllegalArgumentException("sampling rate must be in (0, 1], got " + rate);
        }
        return Math.max(1, Math.min(ALL, Math.round(rate * ALL)));
    }

    /** Sampling rate a threshold stands for. */
    public static double rate(long threshold) {
        return (double) threshold / ALL;
    }

    /** MurmurHash3 fmix64. */
    static long fmix64(long k) {
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }
}
