package io.tierscope.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.avro.CurveKind;
import io.tierscope.avro.HeatSummary;
import io.tierscope.avro.MissRatioCurve;
import io.tierscope.avro.MrcPoint;
import io.tierscope.avro.TieringPlan;
import io.tierscope.avro.VmPlan;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The demo's standard output, golden: a seeded fleet's recorded result records (curves, heat
 * summaries, plans) fed in shuffled order, with an earlier run's window, another VM's records,
 * long-horizon curves and a late record mixed in, must print as exactly this table.
 */
class DemoPrinterTest {
    private static final long WINDOW_MS = 10_000;
    private static final long T0 = 1_700_000_000_000L; // a window boundary
    private static final long RUN_START = T0 + 4_000;  // the fleet started inside the first window
    private static final long PAGES_PER_MIB = 256;
    private static final List<String> VMS = List.of("vm-1", "vm-2", "vm-10");

    private static final String GOLDEN = """
            Rows per VM per window: references counted, working set (WS) and hot set in MiB, LRU miss ratio at each cache size.
            Rows per host per window: each VM's fast memory in MiB, pages to promote (+), demote (-) and deferred (~).
            WINDOW             VM            REFS    WS MiB   HOT MiB     1MiB    4MiB   16MiB   64MiB  256MiB    1GiB
            {W0}  vm-1        100.0k     100.0      20.0     0.90    0.60    0.30    0.20    0.20    0.20
            {W0}  vm-2        200.0k     200.0      40.0     0.95    0.80    0.60    0.20    0.10    0.10
            {W0}  vm-10       300.0k     300.0      60.0     1.00    1.00    0.90    0.50    0.00    0.00
            {W0}  demo-host plan  vm-1     64.0 +1.0k   -0      ~0       vm-2    128.0 +2.0k   -512    ~0
                                               vm-10   256.0 +3.0k   -1.0k   ~300
            {W1}  vm-1        110.0k     110.0      22.0     0.91    0.61    0.31    0.21    0.21    0.21  late batches 2
            {W1}  vm-2        220.0k     220.0         -     0.96    0.81    0.61    0.21    0.11    0.11
            {W1}  vm-10       330.0k         -      66.0        -       -       -       -       -       -

            summary: ran 30 s; 1,234,567 samples from 3 VMs in 31 s, 1,234,567 published, 0 lost
            summary: 2 window(s) from {S0} to {S2}, 7 result rows; not shown: 3 of windows before this run, 3 of other VMs or hosts, 1 that arrived after their window was printed (all on the dashboard)
            VM        WINDOWS        WS MiB   PEAK WS MiB       HOT MiB    FAST MiB
            vm-1            2         110.0         110.0          22.0        64.0
            vm-2            2         220.0         220.0          40.0       128.0
            vm-10           2         300.0         300.0          66.0       256.0
            demo-host 1 plan(s): 6,000 pages to promote, 1,536 to demote, 300 deferred
            """;

    @Test
    void printsOneAlignedRowPerVmPerWindowInWindowOrderThenASummary() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        DemoPrinter printer = new DemoPrinter(out, VMS, 1024 * PAGES_PER_MIB, List.of("demo-host"), RUN_START, WINDOW_MS,
                WINDOW_MS + 5_000, 4096);
        printer.start();

        List<Consumer<Long>> records = new ArrayList<>();
        for (int v = 0; v < VMS.size(); v++) {
            String vm = VMS.get(v);
            int scale = v + 1;
            records.add(now -> printer.curve(curve(vm, CurveKind.WINDOW, T0, 100_000L * scale, 100 * scale, 0, ratios(scale, 0)), now));
            records.add(now -> printer.heat(heat(vm, T0, 20 * scale), now));
            // the long-horizon curve of the same window is not a row
            records.add(now -> printer.curve(curve(vm, CurveKind.CUMULATIVE, T0, 1, 1, 0, ratios(1, 0)), now));
            if (!vm.equals("vm-10")) {
                records.add(now -> printer.curve(curve(vm, CurveKind.WINDOW, T0 + WINDOW_MS, 110_000L * scale, 110 * scale,
                        vm.equals("vm-1") ? 2 : 0, ratios(scale, 0.01)), now));
            } else { // a window without references: no working set, no ratios
                records.add(now -> printer.curve(curve(vm, CurveKind.WINDOW, T0 + WINDOW_MS, 330_000, 0, 0, new double[0]), now));
            }
            if (!vm.equals("vm-2")) { // vm-2's heat summary of the second window never comes
                records.add(now -> printer.heat(heat(vm, T0 + WINDOW_MS, 22 * scale), now));
            }
            // an earlier run's window on the same data dir
            records.add(now -> printer.curve(curve(vm, CurveKind.WINDOW, T0 - 600_000, 5, 5, 0, ratios(1, 0)), now));
        }
        records.add(now -> printer.plan(plan(T0), now));
        records.add(now -> printer.curve(curve("vm-99", CurveKind.WINDOW, T0, 1, 1, 0, ratios(1, 0)), now));
        records.add(now -> printer.heat(heat("vm-99", T0, 1), now));
        records.add(now -> printer.plan(TieringPlan.newBuilder(plan(T0)).setHost("other-host").build(), now));
        Collections.shuffle(records, new Random(42));

        long now = RUN_START + 20_000;
        for (Consumer<Long> r : records) {
            r.accept(now++);
        }
        String first = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(first.contains(label(T0) + "  demo-host plan"), "the first window is complete, printed at once:\n" + first);
        assertTrue(!first.contains(label(T0 + WINDOW_MS)), "the second waits for vm-2's heat summary:\n" + first);
        printer.tick(now + 14_000);
        assertTrue(!bytes.toString(StandardCharsets.UTF_8).contains(label(T0 + WINDOW_MS)), "still waiting");
        printer.tick(now + 15_100);
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains(label(T0 + WINDOW_MS)), "printed without it once waited long enough");
        printer.heat(heat("vm-2", T0, 1), now + 16_000); // late: its window is printed
        printer.summary("ran 30 s; 1,234,567 samples from 3 VMs in 31 s, 1,234,567 published, 0 lost");

        String golden = GOLDEN.replace("{W0}", label(T0)).replace("{W1}", label(T0 + WINDOW_MS))
                .replace("{S0}", clock(T0)).replace("{S2}", clock(T0 + 2 * WINDOW_MS));
        assertEquals(golden, bytes.toString(StandardCharsets.UTF_8));
        assertEquals(7, printer.rowsPrinted());
    }

    @Test
    void curveColumnsAreOneMibAndFourfoldStepsUpToTheLargestVm() {
        assertEquals(List.of(256L, 1024L, 4096L), LongStream.of(DemoPrinter.curveSizes(16 * PAGES_PER_MIB, 4096)).boxed().toList());
        long[] huge = DemoPrinter.curveSizes(1L << 30, 4096); // 4 TiB
        assertEquals(List.of(256L, 4096L, 65536L, 1L << 20, 1L << 24, 1L << 28), LongStream.of(huge).boxed().toList(),
                "a huge VM: sixteenfold steps, at most 8 columns");
        assertEquals("1MiB", DemoPrinter.size(1 << 20));
        assertEquals("1.5GiB", DemoPrinter.size(3L << 29));
    }

    @Test
    void missRatiosAreReadLinearlyBetweenTheCurvesPoints() {
        List<MrcPoint> points = List.of(new MrcPoint(100L, 0L, 0.9), new MrcPoint(300L, 0L, 0.5));
        assertEquals(0.9, DemoPrinter.missRatioAt(points, 1), 1e-12);
        assertEquals(0.7, DemoPrinter.missRatioAt(points, 200), 1e-12);
        assertEquals(0.5, DemoPrinter.missRatioAt(points, 1000), 1e-12);
    }

    @Test
    void fleetsOfLargeVmsAreShownInGib() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DemoPrinter printer = new DemoPrinter(new PrintStream(bytes, true, StandardCharsets.UTF_8), List.of("big"),
                128L << 18, List.of("h"), RUN_START, WINDOW_MS, WINDOW_MS, 4096);
        printer.start();
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("WS GiB"), bytes.toString(StandardCharsets.UTF_8));
        assertEquals("2.0", printer.inUnit(2L << 18));
    }

    /** Miss ratios at 1, 4, 16, 64, 256 MiB and 1 GiB for a VM of the given scale, plus {@code shift}. */
    private static double[] ratios(int scale, double shift) {
        double[][] byScale = {
            {0.90, 0.60, 0.30, 0.20, 0.20, 0.20},
            {0.95, 0.80, 0.60, 0.20, 0.10, 0.10},
            {1.00, 1.00, 0.90, 0.50, 0.00, 0.00}};
        double[] r = byScale[scale - 1].clone();
        for (int i = 0; i < r.length; i++) {
            r[i] = Math.min(1, r[i] + (r[i] < 1 ? shift : 0));
        }
        return r;
    }

    private static MissRatioCurve curve(String vm, CurveKind kind, long start, long refs, long wsMib, long late, double[] ratios) {
        List<MrcPoint> points = new ArrayList<>();
        long pages = PAGES_PER_MIB;
        for (double r : ratios) {
            points.add(new MrcPoint(pages, pages * 4096, r));
            points.add(new MrcPoint(pages * 2, pages * 2 * 4096, r)); // between the columns: not shown
            pages *= 4;
        }
        return MissRatioCurve.newBuilder().setVmId(vm).setKind(kind).setWindowStartMs(start).setWindowEndMs(start + WINDOW_MS)
                .setAccessFilter("xwr").setPageSizeBytes(4096).setSamplingRate(1).setSampledPages(1).setReferences(refs)
                .setColdMisses(0).setPoints(points).setWorkingSetPages(wsMib * PAGES_PER_MIB).setLateBatches(late).build();
    }

    private static HeatSummary heat(String vm, long start, long hotMib) {
        return HeatSummary.newBuilder().setVmId(vm).setWindowStartMs(start).setWindowEndMs(start + WINDOW_MS).setClassifier("fsm5")
                .setPagesPerState(Map.of()).setHotPages(hotMib * PAGES_PER_MIB).setColdPages(0).setTouchedPages(0)
                .setWrittenPages(0).setHottestGfns(List.of()).setScansApplied(10).setDuplicateScans(0).setLateScans(0)
                .setMissedPeriods(0).build();
    }

    private static TieringPlan plan(long start) {
        List<VmPlan> vms = new ArrayList<>();
        for (int v = 0; v < VMS.size(); v++) {
            int scale = v + 1;
            vms.add(VmPlan.newBuilder().setVmId(VMS.get(v)).setPid(0).setFastPages(64 * PAGES_PER_MIB << v)
                    .setPromote(gfns(1000 * scale)).setDemote(gfns(v * 512)).setDeferredPages(v == 2 ? 300 : 0).build());
        }
        return TieringPlan.newBuilder().setPlanId("p").setHost("demo-host").setPeriodStartMs(start).setFastNode(0).setSlowNode(1)
                .setMigrationBudgetPages(1000).setVms(vms).build();
    }

    private static List<Long> gfns(int n) {
        return LongStream.range(0, n).boxed().toList();
    }

    private static String label(long startMs) {
        return clock(startMs) + "-" + clock(startMs + WINDOW_MS);
    }

    private static String clock(long ms) {
        return DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault()).format(Instant.ofEpochMilli(ms));
    }
}
