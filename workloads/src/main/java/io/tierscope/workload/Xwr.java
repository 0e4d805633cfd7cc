package io.tierscope.workload;

/**
 * Access bits of one access: bit0 read, bit1 write, bit2 execute, the same meaning as the
 * packed samples of the schemas module and kvm-ept-sample's xwr.
 */
public final class Xwr {
    public static final int READ = 1;
    public static final int WRITE = 2;
    public static final int EXEC = 4;

    private Xwr() {
    }

    /** The letters form ("xwr" subset, e.g. "rw", "x", "-" for none) of {@code bits}. */
    public static String letters(int bits) {
        if ((bits & 7) == 0) {
            return "-";
        }
        StringBuilder s = new StringBuilder(3);
        if ((bits & EXEC) != 0) {
            s.append('x');
        }
        if ((bits & WRITE) != 0) {
            s.append('w');
        }
        if ((bits & READ) != 0) {
            s.append('r');
        }
        return s.toString();
    }
}
