package io.tierscope.cli;

/**
 * Range checks of numeric options, one message style for every command: the option's name, the
 * allowed range and the value given. A failed check is a usage error (the launcher exits 2);
 * commands run them before they start or connect to anything.
 */
public final class OptionRange {
    private OptionRange() {
    }

    /** {@code value >= min}, else "--NAME must be >= MIN, got VALUE". */
    public static long atLeast(String option, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(option + " must be >= " + min + ", got " + value);
        }
        return value;
    }

    /** {@code min <= value <= max}, else "--NAME must be MIN..MAX, got VALUE". */
    public static long between(String option, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(option + " must be " + min + ".." + max + ", got " + value);
        }
        return value;
    }

    /** A finite {@code value >= min}, else "--NAME must be >= MIN, got VALUE". */
    public static double atLeast(String option, double value, double min) {
        if (!(value >= min) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(option + " must be a number >= " + format(min) + ", got " + format(value));
        }
        return value;
    }

    /** A finite {@code value > 0}, else "--NAME must be > 0, got VALUE". */
    public static double positive(String option, double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(option + " must be a number > 0, got " + format(value));
        }
        return value;
    }

    private static String format(double v) {
        return v == Math.rint(v) && !Double.isInfinite(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
