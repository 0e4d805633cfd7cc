package io.tierscope.analytics.heat;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * Decayed per-page temperatures of one gfn chunk (kvm_hybridmem style, see {@link TemperatureModel}),
 * fed by samples or by A/D scan bitmaps.
 *
 * <p>Cooling is not applied page by page: temperatures are stored relative to a chunk epoch
 * (stored = temperature * 2^((epoch' - epoch) / h) at any later epoch'), so an access at time t adds
 * a * 2^((t - epoch) / h) and the whole chunk cools for free; the true temperature at time now is
 * stored * 2^(-(now - epoch) / h). When the scale grows past 2^32 the chunk is renormalised to a
 * new epoch in one pass. Ranking never needs the decay at all: it is common to the chunk.
 */
public final class ChunkTemperature {
    private static final byte SNAPSHOT_VERSION = 1;
    /** Renormalise once additions are scaled by more than 2^32, far from float overflow. */
    private static final double MAX_SCALE_EXPONENT = 32;

    private final TemperatureModel model;
    private final long baseGfn;
    private int pageCount;
    private float[] scaled;
    private long epochMs;
    private boolean epochSet;
    private long lastScanSeq = ChunkHeat.NO_SCAN;
    private long cachedTimeMs;
    private double cachedScale = Double.NaN;

    public ChunkTemperature(TemperatureModel model, long baseGfn, int pageCount) {
        this.model = Objects.requireNonNull(model, "model");
        if (baseGfn < 0 || pageCount < 0) {
            throw new IllegalArgumentException("baseGfn and pageCount must be >= 0, got " + baseGfn + ", " + pageCount);
        }
        this.baseGfn = baseGfn;
        this.pageCount = pageCount;
        this.scaled = new float[pageCount];
    }

    /** Heats page {@code gfn} (which must be in this chunk) by one access of kind {@code xwr} at {@code timeMs}. */
    public void addSample(long timeMs, long gfn, int xwr) {
        long page = gfn - baseGfn;
        if (page < 0 || page >= pageCount) {
            throw new IllegalArgumentException("sample gfn " + gfn + " is outside the chunk [" + baseGfn + ", "
                    + (baseGfn + pageCount) + ")");
        }
        scaled[(int) page] += (float) (model.addition(xwr) * scaleAt(timeMs));
    }

    /**
     * Heats the pages of one scan period ending at {@code timeMs}: pages with the D bit get the
     * write addition, pages with only the A bit the read addition. Idempotent by scan sequence like
     * {@link ChunkHeat#apply}; a skipped period needs no handling (cooling is by time).
     */
    public ScanStatus applyScan(long scanSeq, long timeMs, byte[] accessed, byte[] dirty) {
        if (lastScanSeq != ChunkHeat.NO_SCAN && scanSeq <= lastScanSeq) {
            return scanSeq == lastScanSeq ? ScanStatus.DUPLICATE : ScanStatus.STALE;
        }
        if (!HeatBitmaps.isValid(accessed, pageCount)) {
            HeatBitmaps.requireValid("accessed bitmap of chunk at gfn " + baseGfn + " (scan " + scanSeq + ")", accessed, pageCount);
        }
        if (dirty != null && !HeatBitmaps.isValid(dirty, pageCount)) {
            HeatBitmaps.requireValid("dirty bitmap of chunk at gfn " + baseGfn + " (scan " + scanSeq + ")", dirty, pageCount);
        }
        double scale = scaleAt(timeMs);
        float read = (float) (model.addition(1) * scale);
        float write = (float) (model.addition(2) * scale);
        for (int j = 0; j < accessed.length; j++) {
            int a = accessed[j] & 0xFF;
            int d = dirty == null ? 0 : dirty[j] & 0xFF;
            int any = a | d;
            while (any != 0) {
                int k = Integer.numberOfTrailingZeros(any);
                any &= any - 1;
                scaled[(j << 3) + k] += ((d >>> k) & 1) != 0 ? write : read;
            }
        }
        lastScanSeq = scanSeq;
        return ScanStatus.APPLIED;
    }

    /** 2^((t - epoch) / h), renormalising first when that grows too large. */
    private double scaleAt(long timeMs) {
        if (!epochSet) {
            epochMs = timeMs;
            epochSet = true;
        }
        if (timeMs == cachedTimeMs && !Double.isNaN(cachedScale)) {
            return cachedScale;
        }
        double exponent = (timeMs - epochMs) / model.halfLifeMs();
        if (exponent > MAX_SCALE_EXPONENT) {
            float factor = (float) Math.pow(0.5, exponent);
            for (int p = 0; p < pageCount; p++) {
                scaled[p] *= factor;
            }
            epochMs = timeMs;
            exponent = 0;
        }
        cachedTimeMs = timeMs;
        cachedScale = Math.pow(2, exponent);
        return cachedScale;
    }

    /** Temperature of page {@code page} (0-based within the chunk) at {@code nowMs}. */
    public double temperature(int page, long nowMs) {
        Objects.checkIndex(page, pageCount);
        return epochSet ? scaled[page] * model.decay(nowMs - epochMs) : 0;
    }

    /** Writes the temperatures of all pages at {@code nowMs} into {@code out} from {@code offset}. */
    public void temperatures(long nowMs, float[] out, int offset) {
        float factor = epochSet ? (float) model.decay(nowMs - epochMs) : 0f;
        for (int p = 0; p < pageCount; p++) {
            out[offset + p] = scaled[p] * factor;
        }
    }

    /** Grows (new pages at temperature 0) or shrinks the chunk. */
    public void resize(int newPageCount) {
        if (newPageCount < 0) {
            throw new IllegalArgumentException("pageCount must be >= 0, got " + newPageCount);
        }
        scaled = java.util.Arrays.copyOf(scaled, newPageCount);
        pageCount = newPageCount;
    }

    public TemperatureModel model() {
        return model;
    }

    public long baseGfn() {
        return baseGfn;
    }

    public int pageCount() {
        return pageCount;
    }

    public long lastScanSeq() {
        return lastScanSeq;
    }

    /** Bytes for a state store: version, baseGfn, pageCount, epoch, lastScanSeq, the scaled floats. */
    public byte[] snapshot() {
        ByteBuffer out = ByteBuffer.allocate(1 + 8 + 4 + 1 + 8 + 8 + 4 * pageCount);
        out.put(SNAPSHOT_VERSION).putLong(baseGfn).putInt(pageCount).put((byte) (epochSet ? 1 : 0))
                .putLong(epochMs).putLong(lastScanSeq);
        for (float t : scaled) {
            out.putFloat(t);
        }
        return out.array();
    }

    /** Rebuilds a chunk from {@link #snapshot()} bytes with the configured model. */
    public static ChunkTemperature restore(byte[] snapshot, TemperatureModel model) {
        try {
            ByteBuffer in = ByteBuffer.wrap(snapshot);
            byte version = in.get();
            if (version != SNAPSHOT_VERSION) {
                throw new IllegalArgumentException("temperature snapshot has version " + version
                        + ", this build reads version " + SNAPSHOT_VERSION);
            }
            ChunkTemperature chunk = new ChunkTemperature(model, in.getLong(), in.getInt());
            chunk.epochSet = in.get() != 0;
            chunk.epochMs = in.getLong();
            chunk.lastScanSeq = in.getLong();
            for (int p = 0; p < chunk.pageCount; p++) {
                chunk.scaled[p] = in.getFloat();
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException("temperature snapshot has " + in.remaining() + " trailing bytes");
            }
            return chunk;
        } catch (java.nio.BufferUnderflowException | NegativeArraySizeException e) {
            throw new IllegalArgumentException("temperature snapshot of " + snapshot.length + " bytes is truncated", e);
        }
    }
}
