package io.tierscope.executor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.avro.MigrationResult;
import io.tierscope.avro.PagePlacement;
import io.tierscope.avro.TieringPlan;
import io.tierscope.avro.VmPlan;
import io.tierscope.guestmap.MapsReader;
import io.tierscope.guestmap.QemuGuestRam;
import io.tierscope.nativeaccess.Errno;
import io.tierscope.nativeaccess.testing.NativePrograms;
import io.tierscope.nativeaccess.testing.Toucher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The executor on a real child process: it maps 64 pages and touches pages 0-7; gfn g of the
 * "VM" is page g of that mapping. This machine has one NUMA node, 0.
 */
class PlanExecutorTest {
    private static final int PAGES = 64;
    private static final int CHUNK = 32;
    private static final long PAGE = 4096;
    /** Two demotions of present pages; promotions of a present page, an untouched one, and one past the mapping. */
    private static final List<Long> DEMOTE = List.of(0L, 1L);
    private static final List<Long> PROMOTE = List.of(2L, 20L, 100L);

    @TempDir
    static Path binaries;
    private static Path toucher;
    @TempDir
    Path dir;
    private final RecordingLibC libc = new RecordingLibC();

    @BeforeAll
    static void compile() throws Exception {
        toucher = NativePrograms.compile("toucher", binaries);
    }

    private static GuestMemoryResolver childRegion(Toucher child) {
        MapsReader.Mapping region = new MapsReader.Mapping(child.base, child.base + PAGES * PAGE, "rw-p", 0, "00:00", 0, "");
        return pid -> QemuGuestRam.of(region, PAGES * PAGE);
    }

    private PlanExecutor executor(NumaTopology topology, GuestMemoryResolver resolver, boolean apply) {
        return new PlanExecutor("hv-test", topology, resolver, new PageLocator(libc),
                apply ? new PageMover(libc, false) : null, new RateLimiter(1_000_000_000L, System::nanoTime, n -> { }),
                4, CHUNK, () -> 1234L);
    }

    private static TieringPlan plan(long pid, int fastNode, int slowNode) {
        VmPlan vm = VmPlan.newBuilder().setVmId("vm-1").setPid(pid).setFastPages(10)
                .setDemote(DEMOTE).setPromote(PROMOTE).setDeferredPages(0).build();
        return TieringPlan.newBuilder().setPlanId("hv-test#1").setHost("hv-test").setPeriodStartMs(1)
                .setFastNode(fastNode).setSlowNode(slowNode).setMigrationBudgetPages(1000).setVms(List.of(vm)).build();
    }

    private static NumaTopology thisMachine() throws Exception {
        return NumaTopology.read(NumaTopology.DEFAULT_ROOT);
    }

    @Test
    void dryRunReportsWhereThePagesAreAndNeverMakesAMovingCall() throws Exception {
        try (Toucher child = Toucher.start(toucher, PAGES, 0, 1, 2, 3, 4, 5, 6, 7)) {
            PlanExecutor.Outcome out = executor(thisMachine(), childRegion(child), false).execute(plan(child.pid, 0, 0));
            assertEquals(0, libc.moveCalls, "a dry run must not call move_pages with target nodes");
            assertTrue(libc.queryCalls > 0);
            MigrationResult r = out.results().get(0);
            assertTrue(r.getDryRun());
            assertNull(r.getError());
            assertEquals(List.of(0L, 1L, 2L, 20L, 100L), r.getGfns(), "demotions first, then promotions");
            assertEquals(List.of(0, 0, 0, -Errno.ENOENT, -Errno.EFAULT), r.getStatus());
            assertEquals(5, r.getRequestedPages());
            assertEquals(0, r.getMovedPages(), "every present page is on node 0 already: nothing would move");
            assertEquals(2, r.getFailedPages());
            assertEquals(Map.of("ENOENT", 1L, "EFAULT", 1L), r.getFailuresByErrno());
            assertPlacement(out.placements());
        }
    }

    @Test
    void applyMovesToNodeZeroWithStatusZero() throws Exception {
        try (Toucher child = Toucher.start(toucher, PAGES, 0, 1, 2, 3, 4, 5, 6, 7)) {
            PlanExecutor.Outcome out = executor(thisMachine(), childRegion(child), true).execute(plan(child.pid, 0, 0));
            assertTrue(libc.moveCalls >= 2, "demotions and promotions are separate calls, got " + libc.moveCalls);
            MigrationResult r = out.results().get(0);
            assertFalse(r.getDryRun());
            assertNull(r.getError());
            assertEquals(List.of(0L, 1L, 2L, 20L, 100L), r.getGfns());
            assertEquals(List.of(0, 0, 0, -Errno.ENOENT, -Errno.EFAULT), r.getStatus());
            assertEquals(3, r.getMovedPages());
            assertEquals(2, r.getFailedPages());
            assertEquals(Map.of("ENOENT", 1L, "EFAULT", 1L), r.getFailuresByErrno());
            assertPlacement(out.placements());
        }
    }

    /** Chunk 0 (gfns 0-31): pages 0-7 on node 0, the rest not present; chunk 3 (96-127) past the mapping. */
    private static void assertPlacement(List<PagePlacement> placements) {
        assertEquals(2, placements.size());
        PagePlacement c0 = placements.get(0);
        assertEquals("vm-1", c0.getVmId());
        assertEquals(0, c0.getChunkIndex());
        assertEquals(0, c0.getBaseGfn());
        assertEquals(CHUNK, c0.getPageCount());
        byte[] expected = new byte[CHUNK];
        for (int i = 8; i < CHUNK; i++) {
            expected[i] = (byte) -Errno.ENOENT;
        }
        assertArrayEquals(expected, bytes(c0));
        PagePlacement c3 = placements.get(1);
        assertEquals(3, c3.getChunkIndex());
        assertEquals(96, c3.getBaseGfn());
        byte[] unmapped = new byte[CHUNK];
        java.util.Arrays.fill(unmapped, (byte) -Errno.EFAULT);
        assertArrayEquals(unmapped, bytes(c3));
    }

    private static byte[] bytes(PagePlacement p) {
        byte[] b = new byte[p.getNodes().remaining()];
        p.getNodes().duplicate().get(b);
        return b;
    }

    @Test
    void aNodeTheHostLacksIsAnErrorRecordAndNoCall() throws Exception {
        try (Toucher child = Toucher.start(toucher, PAGES, 0, 1, 2)) {
            PlanExecutor.Outcome out = executor(thisMachine(), childRegion(child), true).execute(plan(child.pid, 0, 7));
            assertEquals(0, libc.moveCalls + libc.queryCalls);
            MigrationResult r = out.results().get(0);
            assertTrue(r.getError().contains("slow node 7 does not exist on this host or has no memory"), r.getError());
            assertEquals(List.of(-19, -19, -19, -19, -19), r.getStatus());
            assertEquals(Map.of("ENODEV", 5L), r.getFailuresByErrno());
            assertEquals(0, r.getMovedPages());
            assertTrue(out.placements().isEmpty());
        }
    }

    @Test
    void aNodeTheKernelDoesNotHaveFailsTheVmWithENODEV() throws Exception {
        // The sysfs tree claims node 1; the kernel of this one-node machine knows better.
        Files.writeString(dir.resolve("has_memory"), "0-1\n");
        try (Toucher child = Toucher.start(toucher, PAGES, 0, 1, 2)) {
            PlanExecutor.Outcome out = executor(NumaTopology.read(dir), childRegion(child), true).execute(plan(child.pid, 0, 1));
            MigrationResult r = out.results().get(0);
            assertTrue(r.getError().contains("ENODEV") && r.getError().contains("not online"), r.getError());
            assertEquals(List.of(0L, 1L, 2L, 20L, 100L), r.getGfns());
            assertTrue(r.getStatus().stream().allMatch(s -> s == -Errno.ENODEV), r.getStatus().toString());
            assertEquals(0, r.getMovedPages());
            assertEquals(5, r.getFailedPages());
        }
    }

    @Test
    void anExitedProcessIsAnESRCHRecord() throws Exception {
        int pid;
        GuestMemoryResolver resolver;
        try (Toucher child = Toucher.start(toucher, PAGES, 0)) {
            pid = child.pid;
            resolver = childRegion(child);
        }
        // The map outlives the process: move_pages itself says it is gone.
        MigrationResult r = executor(thisMachine(), resolver, false).execute(plan(pid, 0, 0)).results().get(0);
        assertTrue(r.getError().contains("ESRCH") && r.getError().contains("target process is gone"), r.getError());
        assertEquals(Map.of("ESRCH", 5L), r.getFailuresByErrno(), "once the process is gone every page fails with ESRCH");
        // The host's resolver finds no /proc entry and says so before any call.
        GuestMemoryResolver host = GuestMemoryResolver.forHost(GuestMemoryResolver.Mode.QEMU, libc, "/nonexistent",
                null, QemuGuestRam.Machine.Q35);
        assertThrows(GuestMemoryResolver.ProcessGoneException.class, () -> host.resolve(pid));
        MigrationResult viaHost = executor(thisMachine(), host, true).execute(plan(pid, 0, 0)).results().get(0);
        assertTrue(viaHost.getError().contains("process " + pid + " is gone"), viaHost.getError());
        assertEquals(Map.of("ESRCH", 5L), viaHost.getFailuresByErrno());
    }

    @Test
    void missingPermissionNamesTheCapability() throws Exception {
        // Root cannot be refused here, so this errno is scripted; everything else is the real kernel.
        libc.failMovesWith = Errno.EPERM;
        try (Toucher child = Toucher.start(toucher, PAGES, 0, 1, 2)) {
            MigrationResult r = executor(thisMachine(), childRegion(child), true).execute(plan(child.pid, 0, 0)).results().get(0);
            assertTrue(r.getError().contains("EPERM") && r.getError().contains("CAP_SYS_NICE"), r.getError());
            assertEquals(Map.of("EPERM", 5L), r.getFailuresByErrno());
            assertEquals(1, libc.moveCalls, "the VM stops at the first refusal");
        }
    }

    @Test
    void aPlanWithoutPidIsAnErrorRecord() throws Exception {
        MigrationResult r = executor(thisMachine(), pid -> {
            throw new AssertionError("no pid, no lookup");
        }, true).execute(plan(0, 0, 0)).results().get(0);
        assertTrue(r.getError().contains("no host process id for VM vm-1"), r.getError());
        assertEquals(0, libc.moveCalls + libc.queryCalls);
    }

    @Test
    void placementWithoutAPlanCoversAllGuestRamAndMovesNothing() throws Exception {
        try (Toucher child = Toucher.start(toucher, PAGES, 0, 1, 2, 3, 4, 5, 6, 7)) {
            List<PagePlacement> chunks = executor(thisMachine(), childRegion(child), true).placementOf("vm-1", child.pid);
            assertEquals(0, libc.moveCalls);
            assertEquals(2, chunks.size(), "64 pages are two chunks of 32");
            byte[] first = new byte[CHUNK];
            java.util.Arrays.fill(first, 8, CHUNK, (byte) -Errno.ENOENT);
            assertArrayEquals(first, bytes(chunks.get(0)));
            byte[] second = new byte[CHUNK];
            java.util.Arrays.fill(second, (byte) -Errno.ENOENT);
            assertArrayEquals(second, bytes(chunks.get(1)));
            assertEquals(32, chunks.get(1).getBaseGfn());
        }
        assertThrows(GuestMemoryResolver.ProcessGoneException.class, () -> executor(thisMachine(),
                GuestMemoryResolver.forHost(GuestMemoryResolver.Mode.QEMU, libc, "/nonexistent", null, QemuGuestRam.Machine.Q35), false)
                .placementOf("vm-1", 0x3ffffff0));
    }

    @Test
    void thePlansBudgetCapsThePagesAcrossVmsAndEveryDemotionGoesFirst() throws Exception {
        try (Toucher child = Toucher.start(toucher, PAGES, 0, 1, 2, 3, 4, 5, 6, 7)) {
            VmPlan a = VmPlan.newBuilder().setVmId("vm-a").setPid(child.pid).setFastPages(4)
                    .setDemote(List.of(0L, 1L)).setPromote(List.of(2L, 3L)).setDeferredPages(0).build();
            VmPlan b = VmPlan.newBuilder().setVmId("vm-b").setPid(child.pid).setFastPages(4)
                    .setDemote(List.of(4L, 5L)).setPromote(List.of(6L)).setDeferredPages(0).build();
            TieringPlan budget3 = TieringPlan.newBuilder(plan(child.pid, 0, 0)).setMigrationBudgetPages(3)
                    .setVms(List.of(a, b)).build();
            List<MigrationResult> rs = executor(thisMachine(), childRegion(child), true).execute(budget3).results();
            MigrationResult ra = rs.get(0);
            MigrationResult rb = rs.get(1);
            // Demotions of both VMs come first: 0, 1 of vm-a and 4 of vm-b spend the 3 pages; no promotion runs.
            assertEquals(List.of(0L, 1L), ra.getGfns());
            assertEquals(List.of(4L), rb.getGfns());
            assertEquals(2, ra.getMovedPages());
            assertEquals(1, rb.getMovedPages());
            assertEquals(Map.of(PlanExecutor.OVER_BUDGET, 2L), ra.getFailuresByErrno());
            assertEquals(Map.of(PlanExecutor.OVER_BUDGET, 2L), rb.getFailuresByErrno());
            assertEquals(ra.getRequestedPages(), ra.getMovedPages() + ra.getFailedPages());
            assertEquals(rb.getRequestedPages(), rb.getMovedPages() + rb.getFailedPages());

            // A budget that covers the demotions leaves the rest to promotions, hottest (first) first.
            TieringPlan budget5 = TieringPlan.newBuilder(budget3).setMigrationBudgetPages(5).build();
            rs = executor(thisMachine(), childRegion(child), true).execute(budget5).results();
            assertEquals(List.of(0L, 1L, 2L), rs.get(0).getGfns());
            assertEquals(List.of(4L, 5L), rs.get(1).getGfns());
            assertEquals(Map.of(PlanExecutor.OVER_BUDGET, 1L), rs.get(0).getFailuresByErrno());
            assertEquals(Map.of(PlanExecutor.OVER_BUDGET, 1L), rs.get(1).getFailuresByErrno());

            // A dry run obeys the same budget: it reports what this plan would do.
            TieringPlan none = TieringPlan.newBuilder(budget3).setMigrationBudgetPages(0).build();
            int queries = libc.queryCalls;
            rs = executor(thisMachine(), childRegion(child), false).execute(none).results();
            assertTrue(rs.get(0).getGfns().isEmpty() && rs.get(1).getGfns().isEmpty());
            assertEquals(Map.of(PlanExecutor.OVER_BUDGET, 4L), rs.get(0).getFailuresByErrno());
            assertEquals(queries, libc.queryCalls, "a zero budget asks nothing of the kernel");
        }
    }

    @Test
    void metersCountPlansPagesByErrnoAndTheBudgetsCut() throws Exception {
        io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry = io.tierscope.metrics.Metrics.newRegistry("execute");
        ExecuteMeters meters = new ExecuteMeters(registry, false);
        try (Toucher child = Toucher.start(toucher, PAGES, 0, 1, 2, 3, 4, 5, 6, 7)) {
            // Demote 0, 1; promote 2, 20 (not present: ENOENT), 100 (outside: EFAULT); budget 4 cuts 100.
            TieringPlan p = TieringPlan.newBuilder(plan(child.pid, 0, 0)).setMigrationBudgetPages(4).build();
            meters.planExecuted(executor(thisMachine(), childRegion(child), true).execute(p).results());
        }
        meters.planSkipped("stale");
        String text = io.tierscope.metrics.Metrics.scrape(registry);
        assertTrue(text.contains("tierscope_execute_plans_total{app=\"execute\",dry_run=\"false\"} 1.0"), text);
        assertTrue(text.contains("tierscope_execute_pages_moved_total{app=\"execute\",dry_run=\"false\"} 3.0"), text);
        assertTrue(text.contains("tierscope_execute_pages_failed_total{app=\"execute\",dry_run=\"false\",errno=\"ENOENT\"} 1.0"), text);
        assertFalse(text.contains("errno=\"EFAULT\""), "page 100 was over budget, never tried: " + text);
        assertTrue(text.contains("tierscope_execute_pages_over_budget_total{app=\"execute\",dry_run=\"false\"} 1.0"), text);
        assertTrue(text.contains("tierscope_execute_plans_skipped_total{app=\"execute\",reason=\"stale\"} 1.0"), text);
    }
}
