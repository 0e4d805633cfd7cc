package io.tierscope.analytics.mrc;

/**
 * How an {@link MrcEngine} samples and reports.
 *
 * @param mode            exact (every page), fixed-rate or fixed-size spatial sampling
 * @param rate            sampling rate for {@link Mode#FIXED_RATE} (1 otherwise; fixed-size starts at 1)
 * @param maxPages        S_max, most pages tracked in {@link Mode#FIXED_SIZE}
 * @param temporalPeriod  0 = off; else a page counts at most once per period of the caller's clock
 *                        (US 9,223,722: a traced page is re-armed once per sampling period)
 * @param decay           factor applied to the decayed histogram at every window close, in (0, 1]
 * @param pageSize        bytes per page, for curve sizes in bytes
 * @param workingSetTolerance miss ratio above the cold floor accepted by the working-set estimate
 * @param headPages       K: a sampled engine measures reuses among the K most recently used pages
 *                        exactly, sampled or not (0 = plain SHARDS); see {@link MrcEngine}
 */
public record MrcConfig(Mode mode, double rate, int maxPages, long temporalPeriod, double decay, int pageSize,
                        double workingSetTolerance, int headPages) {

    public enum Mode { EXACT, FIXED_RATE, FIXED_SIZE }

    public static final int DEFAULT_PAGE_SIZE = 4096;
    public static final double DEFAULT_DECAY = 0.5;
    public static final double DEFAULT_WORKING_SET_TOLERANCE = 0.01;
    public static final int DEFAULT_HEAD_PAGES = 8192;
    /** Upper bound of {@link #headPages}: about 70 bytes per head page, so at most ~4.5 MiB per VM. */
    public static final int MAX_HEAD_PAGES = 1 << 16;

    /** A configuration with the default exact head ({@value #DEFAULT_HEAD_PAGES} pages). */
    public MrcConfig(Mode mode, double rate, int maxPages, long temporalPeriod, double decay, int pageSize,
                     double workingSetTolerance) {
        this(mode, rate, maxPages, temporalPeriod, decay, pageSize, workingSetTolerance, DEFAULT_HEAD_PAGES);
    }

    public MrcConfig {
        if (mode == null) {
            throw new IllegalArgumentException("mode is required");
        }
        if (!(rate > 0 && rate <= 1)) {
            throw new IllegalArgumentException("sampling rate must be in (0, 1], got " + rate);
        }
        if (mode == Mode.FIXED_SIZE && maxPages < 1) {
            throw new IllegalArgumentException("fixed-size sampling needs maxPages >= 1, got " + maxPages);
        }
        if (temporalPeriod < 0) {
            throw new IllegalArgumentException("temporal period must be >= 0 (0 = off), got " + temporalPeriod);
        }
        if (!(decay > 0 && decay <= 1)) {
            throw new IllegalArgumentException("decay must be in (0, 1], got " + decay);
        }
        if (pageSize < 1) {
            throw new IllegalArgumentException("page size must be positive, got " + pageSize);
        }
        if (!(workingSetTolerance >= 0 && workingSetTolerance < 1)) {
            throw new IllegalArgumentException("working-set tolerance must be in [0, 1), got " + workingSetTolerance);
        }
        if (headPages < 0 || headPages > MAX_HEAD_PAGES) {
            throw new IllegalArgumentException("head pages must be in [0, " + MAX_HEAD_PAGES + "], got " + headPages);
        }
    }

    public static MrcConfig exact() {
        return new MrcConfig(Mode.EXACT, 1, 0, 0, DEFAULT_DECAY, DEFAULT_PAGE_SIZE, DEFAULT_WORKING_SET_TOLERANCE);
    }

    public static MrcConfig fixedRate(double rate) {
        return new MrcConfig(Mode.FIXED_RATE, rate, 0, 0, DEFAULT_DECAY, DEFAULT_PAGE_SIZE,
                DEFAULT_WORKING_SET_TOLERANCE);
    }

    public static MrcConfig fixedSize(int maxPages) {
        return new MrcConfig(Mode.FIXED_SIZE, 1, maxPages, 0, DEFAULT_DECAY, DEFAULT_PAGE_SIZE,
                DEFAULT_WORKING_SET_TOLERANCE);
    }

    /** Exact head size of a sampled engine; 0 turns it off (plain SHARDS). */
    public MrcConfig withHeadPages(int pages) {
        return new MrcConfig(mode, rate, maxPages, temporalPeriod, decay, pageSize, workingSetTolerance, pages);
    }

    public MrcConfig withTemporalPeriod(long period) {
        return new MrcConfig(mode, rate, maxPages, period, decay, pageSize, workingSetTolerance, headPages);
    }

    public MrcConfig withDecay(double factor) {
        return new MrcConfig(mode, rate, maxPages, temporalPeriod, factor, pageSize, workingSetTolerance, headPages);
    }

    public MrcConfig withPageSize(int bytes) {
        return new MrcConfig(mode, rate, maxPages, temporalPeriod, decay, bytes, workingSetTolerance, headPages);
    }

    public MrcConfig withWorkingSetTolerance(double tolerance) {
        return new MrcConfig(mode, rate, maxPages, temporalPeriod, decay, pageSize, tolerance, headPages);
    }
}
