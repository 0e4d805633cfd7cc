package io.tierscope.app;

import io.tierscope.avro.CurveKind;
import io.tierscope.avro.HeatSummary;
import io.tierscope.avro.MissRatioCurve;
import io.tierscope.avro.MrcPoint;
import io.tierscope.avro.TieringPlan;
import io.tierscope.avro.VmPlan;
import java.io.PrintStream;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the demo prints on standard output: a table with one row per VM per window (its window
 * curve and heat summary joined), one row per host per plan period, windows in order, and a
 * closing summary. Sizes are in one unit (MiB, or GiB for a fleet of large VMs) named in the
 * header; the miss-ratio columns are the same cache sizes for every VM.
 *
 * <p>Records arrive from several topics in any order; they are held per window until the window
 * is complete (every VM's curve and heat summary, every host's plan) or has waited
 * {@link #waitMs}, and windows are printed oldest first. Records of other VMs or hosts, and of
 * windows that ended before this run started (an earlier run's state on the same data dir or
 * platform), are counted, not shown. Each kind of row has its own method; a new kind (an audit,
 * an executor's dry run) adds one that ends in {@link #row}.
 */
final class DemoPrinter {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
    private static final long MIB = 1L << 20;
    private static final long GIB = 1L << 30;
    private static final int WINDOW_WIDTH = 17; // HH:mm:ss-HH:mm:ss
    private static final int RATIO_WIDTH = 7;
    /** Keeps a plan row about as wide as a VM row. */
    private static final int PLAN_VMS_PER_LINE = 2;

    private final PrintStream out;
    private final List<String> vms;
    private final List<String> hosts;
    private final long runStartMs;
    private final long windowMs;
    private final long waitMs;
    private final int pageSize;
    private final long unitBytes;
    private final String unit;
    private final long[] curveSizesPages;
    private final int nameWidth;
    private final int vmWidth;
    private final TreeMap<Long, Window> pending = new TreeMap<>();
    private final Map<String, VmTotals> vmTotals = new LinkedHashMap<>();
    private final Map<String, HostTotals> hostTotals = new LinkedHashMap<>();
    private long printedThroughStartMs = Long.MIN_VALUE;
    private long firstWindowMs = -1;
    private long lastWindowMs = -1;
    private int windowsPrinted;
    private long rowsPrinted;
    private long ignoredEarlier;
    private long ignoredOther;
    private long arrivedLate;
    private boolean headerPrinted;
    private boolean started;
    private boolean finished;

    /**
     * @param vms          the run's VMs, in the order their rows are printed
     * @param vmPages      their memory, in pages: picks the size unit and the largest curve column
     * @param hosts        the run's hosts (their plans are shown)
     * @param runStartMs   when this run's fleet started; windows that ended before are an earlier run's
     * @param windowMs     the tumbling window (and plan period)
     * @param waitMs       how long a window waits for its missing rows after its first record arrived
     */
    DemoPrinter(PrintStream out, List<String> vms, long vmPages, List<String> hosts, long runStartMs, long windowMs,
                long waitMs, int pageSize) {
        this.out = out;
        this.vms = List.copyOf(vms);
        this.hosts = List.copyOf(hosts);
        this.runStartMs = runStartMs;
        this.windowMs = windowMs;
        this.waitMs = waitMs;
        this.pageSize = pageSize;
        long largestBytes = vmPages * pageSize;
        this.unitBytes = largestBytes >= 64 * GIB ? GIB : MIB;
        this.unit = unitBytes == GIB ? "GiB" : "MiB";
        this.curveSizesPages = curveSizes(vmPages, pageSize);
        int width = 0;
        for (String name : vms) {
            width = Math.max(width, name.length());
        }
        this.vmWidth = width;
        width = Math.max(width, 8);
        for (String name : hosts) {
            width = Math.max(width, name.length());
        }
        this.nameWidth = width;
        vms.forEach(vm -> vmTotals.put(vm, new VmTotals()));
        hosts.forEach(host -> hostTotals.put(host, new HostTotals()));
    }

    /** Cache sizes of the miss-ratio columns: 1 MiB and 4x steps up to the largest VM's memory (at most 8 columns). */
    static long[] curveSizes(long vmPages, int pageSize) {
        long step = 4;
        long first = Math.max(1, MIB / pageSize);
        while (columns(first, vmPages, step) > 8) {
            step *= 4;
        }
        long[] sizes = new long[columns(first, vmPages, step)];
        long pages = first;
        for (int i = 0; i < sizes.length; i++, pages *= step) {
            sizes[i] = pages;
        }
        return sizes;
    }

    private static int columns(long first, long last, long step) {
        int n = 0;
        for (long p = first; p <= Math.max(first, last); p *= step) {
            n++;
        }
        return n;
    }

    /** The lines before the results: what a row says, in which units, and the column names. */
    synchronized void header() {
        if (headerPrinted) {
            return;
        }
        headerPrinted = true;
        out.println("Rows per VM per window: references counted, working set (WS) and hot set in " + unit
                + ", LRU miss ratio at each cache size.");
        out.println("Rows per host per window: each VM's fast memory in " + unit + ", pages to promote (+), demote (-)"
                + " and deferred (~).");
        StringBuilder h = new StringBuilder(String.format(Locale.ROOT, "%-" + WINDOW_WIDTH + "s  %-" + nameWidth + "s %8s %9s %9s ",
                "WINDOW", "VM", "REFS", "WS " + unit, "HOT " + unit));
        for (long pages : curveSizesPages) {
            h.append(String.format(Locale.ROOT, " %" + RATIO_WIDTH + "s", size(pages * pageSize)));
        }
        out.println(h);
        out.flush();
    }

    /** From now on windows are printed (until then they are held, so start-up lines come first). */
    synchronized void start() {
        started = true;
        header();
    }

    /** A VM's curve: only WINDOW curves are rows (the long curves carry the same window range). */
    synchronized void curve(MissRatioCurve c, long nowMs) {
        if (c == null || c.getKind() != CurveKind.WINDOW) {
            return;
        }
        Window w = windowFor(c.getVmId(), vms, c.getWindowStartMs(), c.getWindowEndMs(), nowMs);
        if (w != null) {
            w.curves.put(c.getVmId(), c);
            flush(nowMs);
        }
    }

    synchronized void heat(HeatSummary s, long nowMs) {
        if (s == null) {
            return;
        }
        Window w = windowFor(s.getVmId(), vms, s.getWindowStartMs(), s.getWindowEndMs(), nowMs);
        if (w != null) {
            w.heat.put(s.getVmId(), s);
            flush(nowMs);
        }
    }

    synchronized void plan(TieringPlan p, long nowMs) {
        if (p == null) {
            return;
        }
        Window w = windowFor(p.getHost(), hosts, p.getPeriodStartMs(), p.getPeriodStartMs() + windowMs, nowMs);
        if (w != null) {
            w.plans.put(p.getHost(), p);
            flush(nowMs);
        }
    }

    /**
     * Any other row of a window, printed after its VM and plan rows in arrival order:
     * {@code subject} (a VM or host) in the name column, then {@code text}.
     */
    synchronized void row(long windowStartMs, String subject, String text, long nowMs) {
        Window w = windowFor(null, null, windowStartMs, windowStartMs + windowMs, nowMs);
        if (w != null) {
            w.others.add(String.format(Locale.ROOT, "%-" + nameWidth + "s %s", subject, text));
            flush(nowMs);
        }
    }

    /** Prints the windows that are complete or have waited long enough; call it now and then. */
    synchronized void tick(long nowMs) {
        flush(nowMs);
    }

    /** Prints every window still held. */
    synchronized void flushAll() {
        while (!pending.isEmpty()) {
            print(pending.pollFirstEntry().getValue());
        }
    }

    /** Result rows printed so far (VM and plan rows, and any others). */
    synchronized long rowsPrinted() {
        return rowsPrinted;
    }

    synchronized int windowsPrinted() {
        return windowsPrinted;
    }

    /** Start of the newest window printed (Long.MIN_VALUE before the first). */
    synchronized long printedThroughStartMs() {
        return printedThroughStartMs;
    }

    /** Windows with records held, not printed yet. */
    synchronized int pendingWindows() {
        return pending.size();
    }

    /**
     * The closing lines: windows and rows shown, what was left out and why, then per VM its
     * windows, working set and hot set (last and peak) and fast-memory allocation, and per host
     * its plans and moves.
     */
    synchronized void summary(String collected) {
        flushAll();
        finished = true;
        out.println();
        out.println("summary: " + collected);
        out.printf(Locale.ROOT, "summary: %d window(s)%s, %d result rows%s%n", windowsPrinted,
                windowsPrinted == 0 ? "" : " from " + clock(firstWindowMs) + " to " + clock(lastWindowMs + windowMs),
                rowsPrinted, leftOut());
        if (windowsPrinted == 0) {
            return;
        }
        out.printf(Locale.ROOT, "%-" + nameWidth + "s %7s %13s %13s %13s %11s%n", "VM", "WINDOWS", "WS " + unit, "PEAK WS " + unit,
                "HOT " + unit, "FAST " + unit);
        for (Map.Entry<String, VmTotals> e : vmTotals.entrySet()) {
            VmTotals t = e.getValue();
            out.printf(Locale.ROOT, "%-" + nameWidth + "s %7d %13s %13s %13s %11s%n", e.getKey(), t.windows,
                    t.curves == 0 ? "-" : inUnit(t.lastWsPages), t.curves == 0 ? "-" : inUnit(t.peakWsPages),
                    t.summaries == 0 ? "-" : inUnit(t.lastHotPages), t.lastFastPages < 0 ? "-" : inUnit(t.lastFastPages));
        }
        for (Map.Entry<String, HostTotals> e : hostTotals.entrySet()) {
            HostTotals t = e.getValue();
            out.printf(Locale.ROOT, "%-" + nameWidth + "s %d plan(s): %,d pages to promote, %,d to demote, %,d deferred%n",
                    e.getKey(), t.plans, t.promoted, t.demoted, t.deferred);
        }
    }

    private String leftOut() {
        List<String> parts = new ArrayList<>();
        if (ignoredEarlier > 0) {
            parts.add(ignoredEarlier + " of windows before this run");
        }
        if (ignoredOther > 0) {
            parts.add(ignoredOther + " of other VMs or hosts");
        }
        if (arrivedLate > 0) {
            parts.add(arrivedLate + " that arrived after their window was printed");
        }
        return parts.isEmpty() ? "" : "; not shown: " + String.join(", ", parts) + " (all on the dashboard)";
    }

    /** The window a record belongs to, or null (counted) when it is not this run's or comes too late. */
    private Window windowFor(String subject, List<String> known, long startMs, long endMs, long nowMs) {
        if (finished) {
            return null;
        }
        if (known != null && !known.contains(subject)) {
            ignoredOther++;
            return null;
        }
        if (endMs <= runStartMs) {
            ignoredEarlier++;
            return null;
        }
        if (startMs <= printedThroughStartMs) {
            arrivedLate++;
            return null;
        }
        return pending.computeIfAbsent(startMs, s -> new Window(s, nowMs));
    }

    private void flush(long nowMs) {
        while (started && !pending.isEmpty()) {
            Window oldest = pending.firstEntry().getValue();
            if (!oldest.complete() && nowMs - oldest.firstArrivalMs < waitMs) {
                return;
            }
            print(pending.pollFirstEntry().getValue());
        }
    }

    private void print(Window w) {
        header();
        for (String vm : vms) {
            MissRatioCurve c = w.curves.get(vm);
            HeatSummary s = w.heat.get(vm);
            if (c != null || s != null) {
                out.println(vmRow(w.startMs, vm, c, s));
                vmTotals.get(vm).add(c, s);
                rowsPrinted++;
            }
        }
        for (String host : hosts) {
            TieringPlan p = w.plans.get(host);
            if (p != null) {
                out.println(planRow(w.startMs, p));
                hostTotals.get(host).add(p);
                p.getVms().forEach(v -> {
                    VmTotals t = vmTotals.get(v.getVmId());
                    if (t != null) {
                        t.lastFastPages = v.getFastPages();
                    }
                });
                rowsPrinted++;
            }
        }
        for (String other : w.others) {
            out.println(label(w.startMs) + "  " + other);
            rowsPrinted++;
        }
        out.flush();
        printedThroughStartMs = w.startMs;
        firstWindowMs = firstWindowMs < 0 ? w.startMs : firstWindowMs;
        lastWindowMs = w.startMs;
        windowsPrinted++;
    }

    private String vmRow(long startMs, String vm, MissRatioCurve c, HeatSummary s) {
        boolean curve = c != null && !c.getPoints().isEmpty();
        StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%s  %-" + nameWidth + "s %8s %9s %9s ", label(startMs), vm,
                c == null ? "-" : count(c.getReferences()), curve ? inUnit(c.getWorkingSetPages()) : "-",
                s == null ? "-" : inUnit(s.getHotPages())));
        for (long pages : curveSizesPages) {
            row.append(String.format(Locale.ROOT, " %" + RATIO_WIDTH + "s",
                    curve ? String.format(Locale.ROOT, "%.2f", missRatioAt(c.getPoints(), pages)) : "-"));
        }
        if (c != null && c.getLateBatches() > 0) {
            row.append("  late batches ").append(c.getLateBatches());
        }
        return row.toString();
    }

    /**
     * "plan" and per VM: its fast-memory allocation, pages to promote (+), demote (-) and defer (~);
     * {@link #PLAN_VMS_PER_LINE} VMs a line, further lines aligned under the first.
     */
    private String planRow(long startMs, TieringPlan p) {
        String prefix = String.format(Locale.ROOT, "%s  %-" + nameWidth + "s plan", label(startMs), p.getHost());
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder(prefix);
        List<VmPlan> planned = p.getVms();
        for (int i = 0; i < planned.size(); i++) {
            if (i > 0 && i % PLAN_VMS_PER_LINE == 0) {
                lines.add(line.toString().stripTrailing());
                line = new StringBuilder(" ".repeat(prefix.length()));
            }
            VmPlan vm = planned.get(i);
            line.append(String.format(Locale.ROOT, "  %-" + vmWidth + "s %7s +%-6s -%-6s ~%-6s", vm.getVmId(), inUnit(vm.getFastPages()),
                    count(vm.getPromote().size()), count(vm.getDemote().size()), count(vm.getDeferredPages())));
        }
        lines.add(line.toString().stripTrailing());
        return String.join(System.lineSeparator(), lines);
    }

    private String label(long startMs) {
        return clock(startMs) + "-" + clock(startMs + windowMs);
    }

    private static String clock(long ms) {
        return CLOCK.format(Instant.ofEpochMilli(ms));
    }

    /** Pages in the table's unit, one decimal. */
    String inUnit(long pages) {
        return String.format(Locale.ROOT, "%.1f", (double) pages * pageSize / unitBytes);
    }

    /** 1 MiB -> "1MiB", 1 GiB -> "1GiB", 1.5 GiB -> "1.5GiB". */
    static String size(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int u = 0;
        double v = bytes;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return (v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v)) + units[u];
    }

    /** 12345 -> "12.3k". */
    static String count(long n) {
        if (n < 1000) {
            return Long.toString(n);
        }
        return n < 1_000_000 ? String.format(Locale.ROOT, "%.1fk", n / 1e3) : String.format(Locale.ROOT, "%.1fM", n / 1e6);
    }

    /**
     * Miss ratio at {@code pages}: linear between the curve's points (how a published curve is read,
     * docs/mrc-accuracy.md), the first point's below it, the last point's beyond it.
     */
    static double missRatioAt(List<MrcPoint> points, long pages) {
        MrcPoint below = points.get(0);
        if (pages <= below.getSizePages()) {
            return below.getMissRatio();
        }
        for (MrcPoint above : points) {
            if (above.getSizePages() >= pages) {
                double f = (double) (pages - below.getSizePages()) / (above.getSizePages() - below.getSizePages());
                return below.getMissRatio() + f * (above.getMissRatio() - below.getMissRatio());
            }
            below = above;
        }
        return below.getMissRatio();
    }

    /** One window's records, until it is printed. */
    private final class Window {
        final long startMs;
        final long firstArrivalMs;
        final Map<String, MissRatioCurve> curves = new LinkedHashMap<>();
        final Map<String, HeatSummary> heat = new LinkedHashMap<>();
        final Map<String, TieringPlan> plans = new LinkedHashMap<>();
        final List<String> others = new ArrayList<>();

        Window(long startMs, long firstArrivalMs) {
            this.startMs = startMs;
            this.firstArrivalMs = firstArrivalMs;
        }

        boolean complete() {
            return curves.size() == vms.size() && heat.size() == vms.size() && plans.size() == hosts.size();
        }
    }

    private static final class VmTotals {
        int windows;
        int curves;
        int summaries;
        long lastWsPages;
        long peakWsPages;
        long lastHotPages;
        long lastFastPages = -1;

        void add(MissRatioCurve c, HeatSummary s) {
            windows++;
            if (c != null && !c.getPoints().isEmpty()) {
                curves++;
                lastWsPages = c.getWorkingSetPages();
                peakWsPages = Math.max(peakWsPages, lastWsPages);
            }
            if (s != null) {
                summaries++;
                lastHotPages = s.getHotPages();
            }
        }
    }

    private static final class HostTotals {
        int plans;
        long promoted;
        long demoted;
        long deferred;

        void add(TieringPlan p) {
            plans++;
            for (VmPlan vm : p.getVms()) {
                promoted += vm.getPromote().size();
                demoted += vm.getDemote().size();
                deferred += vm.getDeferredPages();
            }
        }
    }
}
