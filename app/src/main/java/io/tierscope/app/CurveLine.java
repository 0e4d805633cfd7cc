package io.tierscope.app;

import io.tierscope.avro.MissRatioCurve;
import io.tierscope.avro.MrcPoint;
import java.util.List;
import java.util.Locale;

/**
 * One compact text line per miss-ratio curve, e.g.
 * {@code [12:00:00-12:00:10] vm-1     mrc  ws 12.3k pages  4K:0.91 64K:0.55 1M:0.12 16M:0.02}: the
 * working set, then the miss ratio at cache sizes a factor 4 (or 16, when the curve is long) apart.
 */
final class CurveLine {
    private static final int MAX_SIZES = 7;

    private CurveLine() {
    }

    static String format(MissRatioCurve c) {
        if (c == null) { // a tombstone on the latest topic: the topology dropped an idle VM's state
            return "(an idle VM's MRC state was dropped)";
        }
        StringBuilder line = new StringBuilder(WindowLabel.of(c.getWindowStartMs(), c.getWindowEndMs(), c.getVmId()))
                .append(" mrc  ");
        List<MrcPoint> points = c.getPoints();
        if (points.isEmpty()) {
            return line.append("no references").append(late(c)).toString();
        }
        line.append("ws ").append(count(c.getWorkingSetPages())).append(" pages ");
        long largest = points.get(points.size() - 1).getSizePages();
        long factor = 4;
        while (steps(largest, factor) > MAX_SIZES) {
            factor *= factor;
        }
        for (long pages = 1; pages <= largest; pages *= factor) {
            line.append(' ').append(bytes(pages * c.getPageSizeBytes())).append(':')
                    .append(String.format(Locale.ROOT, "%.2f", missRatioAt(points, pages)));
            if (pages > Long.MAX_VALUE / factor) {
                break;
            }
        }
        return line.append(late(c)).toString();
    }

    private static int steps(long largest, long factor) {
        int n = 0;
        for (long p = 1; p <= largest && n <= MAX_SIZES; p *= factor) {
            n++;
        }
        return n;
    }

    /** Miss ratio of the largest evaluated size not above {@code pages} (LRU miss ratio never rises with size). */
    static double missRatioAt(List<MrcPoint> points, long pages) {
        double ratio = points.get(0).getMissRatio();
        for (MrcPoint p : points) {
            if (p.getSizePages() > pages) {
                break;
            }
            ratio = p.getMissRatio();
        }
        return ratio;
    }

    private static String late(MissRatioCurve c) {
        return c.getLateBatches() > 0 ? "  late " + c.getLateBatches() : "";
    }

    /** 12345 -> "12.3k". */
    static String count(long n) {
        if (n < 1000) {
            return Long.toString(n);
        }
        return n < 1_000_000 ? String.format(Locale.ROOT, "%.1fk", n / 1e3) : String.format(Locale.ROOT, "%.1fM", n / 1e6);
    }

    /** Binary sizes: 4096 -> "4K", 1 << 20 -> "1M", 3 << 29 -> "1.5G". */
    static String bytes(long b) {
        String[] units = {"", "K", "M", "G", "T"};
        int u = 0;
        double v = b;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return v == Math.rint(v) ? (long) v + units[u] : String.format(Locale.ROOT, "%.1f%s", v, units[u]);
    }
}
