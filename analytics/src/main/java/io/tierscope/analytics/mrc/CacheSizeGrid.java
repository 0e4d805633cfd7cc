package io.tierscope.analytics.mrc;

import java.util.Arrays;
import java.util.stream.LongStream;

/** Cache sizes (in pages) at which a miss-ratio curve is evaluated: ascending, distinct, >= 1. */
public final class CacheSizeGrid {
    private final long[] pages;

    private CacheSizeGrid(long[] pages) {
        this.pages = pages;
    }

    /** Sizes {@code min, ..., max} spaced by a factor 2^(1/pointsPerDoubling), rounded, both ends included. */
    public static CacheSizeGrid logSpaced(long min, long max, int pointsPerDoubling) {
        check(min, max);
        if (pointsPerDoubling < 1) {
            throw new IllegalArgumentException("pointsPerDoubling must be >= 1, got " + pointsPerDoubling);
        }
        double step = Math.pow(2, 1.0 / pointsPerDoubling);
        LongStream.Builder b = LongStream.builder();
        for (double s = min; s < max; s *= step) {
            b.add(Math.round(s));
        }
        b.add(max);
        return new CacheSizeGrid(b.build().distinct().sorted().toArray());
    }

    /** {@code points} evenly spaced sizes up to {@code max} (e.g. the footprint), ending at {@code max}. */
    public static CacheSizeGrid linear(long max, int points) {
        check(1, max);
        if (points < 1) {
            throw new IllegalArgumentException("points must be >= 1, got " + points);
        }
        LongStream.Builder b = LongStream.builder();
        for (int i = 1; i <= points; i++) {
            b.add(Math.max(1, Math.round((double) max * i / points)));
        }
        return new CacheSizeGrid(b.build().distinct().sorted().toArray());
    }

    /** Every size from 1 to {@code max} pages ({@code tierscope mrc --all}). */
    public static CacheSizeGrid every(long max) {
        check(1, max);
        if (max > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("too many sizes for one grid: " + max);
        }
        long[] sizes = new long[(int) max];
        for (int i = 0; i < sizes.length; i++) {
            sizes[i] = i + 1;
        }
        return new CacheSizeGrid(sizes);
    }

    /** Explicit sizes (sorted and deduplicated here). */
    public static CacheSizeGrid of(long... sizes) {
        long[] s = LongStream.of(sizes).distinct().sorted().toArray();
        if (s.length > 0 && s[0] < 1) {
            throw new IllegalArgumentException("cache sizes must be >= 1 page, got " + s[0]);
        }
        return new CacheSizeGrid(s);
    }

    /** The usual grid: log-spaced from 1 page (4 points per doubling) plus 32 linear points, up to {@code max}. */
    public static CacheSizeGrid standard(long max) {
        long m = Math.max(1, max);
        return logSpaced(1, m, 4).union(linear(m, 32));
    }

    public CacheSizeGrid union(CacheSizeGrid other) {
        long[] both = Arrays.copyOf(pages, pages.length + other.pages.length);
        System.arraycopy(other.pages, 0, both, pages.length, other.pages.length);
        return of(both);
    }

    public long[] pages() {
        return pages.clone();
    }

    public int size() {
        return pages.length;
    }

    private static void check(long min, long max) {
        if (min < 1 || max < min) {
            throw new IllegalArgumentException("need 1 <= min <= max, got min " + min + ", max " + max);
        }
    }
}
