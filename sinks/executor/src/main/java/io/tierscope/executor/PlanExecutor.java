package io.tierscope.executor;

import io.tierscope.avro.MigrationResult;
import io.tierscope.avro.PagePlacement;
import io.tierscope.avro.TieringPlan;
import io.tierscope.avro.VmPlan;
import io.tierscope.guestmap.GuestMemoryMap;
import io.tierscope.nativeaccess.Errno;
import io.tierscope.nativeaccess.MovePages;
import io.tierscope.nativeaccess.NativeIOException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries out one host's tiering plan: every VM's demotions to the slow node first (so the fast
 * node has room), then every VM's promotions to the fast node, at most the rate limit's pages per
 * second and at most the plan's {@code migrationBudgetPages} pages in all (whichever binds first: the rate
 * spaces the moves, the budget caps the plan; demotions are taken first, so a promotion never runs before
 * every demotion, and the fast tier never fills past capacity when the budget cuts a plan short); then
 * reads where the touched chunks' pages are. Without a {@link PageMover} (the
 * default, a dry run) it only reads where the pages are and reports what would move.
 *
 * <p>Nothing here throws for a VM's trouble: a missing pid, a process that is gone, a node the
 * host does not have, a permission refused (EPERM) each end up as the VM's result record with the reason.
 */
public final class PlanExecutor {
    /** failuresByErrno key for pages the kernel counted as not migrated (a transient failure: busy, locked). */
    public static final String NOT_MIGRATED = "NOT_MIGRATED";
    /**
     * failuresByErrno key for pages left alone because the plan's migrationBudgetPages was spent; they are not
     * in the result's gfns (nothing was asked of the kernel), the next plan asks for them again if still wanted.
     */
    public static final String OVER_BUDGET = "OVER_BUDGET";

    private static final Logger LOG = LoggerFactory.getLogger(PlanExecutor.class);

    private final String host;
    private final NumaTopology topology;
    private final GuestMemoryResolver resolver;
    private final PageLocator locator;
    private final PageMover mover;
    private final RateLimiter limiter;
    private final int batchPages;
    private final int chunkPages;
    private final LongSupplier clockMs;

    /** What one plan produced: a result per VM, and the placement of every chunk it touched. */
    public record Outcome(List<MigrationResult> results, List<PagePlacement> placements) {
    }

    /**
     * @param mover      null for a dry run
     * @param batchPages pages per move_pages call (and per rate-limit step)
     * @param chunkPages pages per placement record (chunk index = gfn / chunkPages)
     */
    public PlanExecutor(String host, NumaTopology topology, GuestMemoryResolver resolver, PageLocator locator,
                        PageMover mover, RateLimiter limiter, int batchPages, int chunkPages, LongSupplier clockMs) {
        if (batchPages < 1 || chunkPages < 1) {
            throw new IllegalArgumentException("batch and chunk pages must be >= 1, got " + batchPages + " and " + chunkPages);
        }
        this.host = host;
        this.topology = topology;
        this.resolver = resolver;
        this.locator = locator;
        this.mover = mover;
        this.limiter = limiter;
        this.batchPages = batchPages;
        this.chunkPages = chunkPages;
        this.clockMs = clockMs;
    }

    public boolean dryRun() {
        return mover == null;
    }

    public Outcome execute(TieringPlan plan) throws InterruptedException {
        String nodeProblem = null;
        boolean anyDemote = plan.getVms().stream().anyMatch(v -> !v.getDemote().isEmpty());
        boolean anyPromote = plan.getVms().stream().anyMatch(v -> !v.getPromote().isEmpty());
        if (anyDemote) {
            nodeProblem = topology.problemWith(plan.getSlowNode(), "slow");
        }
        if (nodeProblem == null && anyPromote) {
            nodeProblem = topology.problemWith(plan.getFastNode(), "fast");
        }
        List<VmRun> runs = new ArrayList<>();
        for (VmPlan vm : plan.getVms()) {
            VmRun run = new VmRun(vm);
            if (nodeProblem != null) {
                run.fail(nodeProblem, Errno.ENODEV);
            } else {
                run.prepare();
            }
            runs.add(run);
        }
        long[] budgetLeft = {Math.max(0, plan.getMigrationBudgetPages())};
        for (VmRun run : runs) {
            run.apply(run.vm.getDemote(), plan.getSlowNode(), budgetLeft);
        }
        for (VmRun run : runs) {
            run.apply(run.vm.getPromote(), plan.getFastNode(), budgetLeft);
        }
        List<MigrationResult> results = new ArrayList<>();
        List<PagePlacement> placements = new ArrayList<>();
        for (VmRun run : runs) {
            results.add(run.result(plan));
            placements.addAll(run.placements());
        }
        return new Outcome(results, placements);
    }

    /** One VM's part of a plan: its process, its map, and what happened to each page. */
    private final class VmRun {
        final VmPlan vm;
        int pid;
        GuestMemoryMap map;
        String error;
        /** errno that stopped the VM (each page not handled gets -errorErrno), 0 while it runs. */
        int errorErrno;
        long durationNanos;
        long moved;
        long failed;
        long overBudget;
        final Map<String, Long> failures = new TreeMap<>();
        final LongList gfns = new LongList();
        final IntList status = new IntList();

        VmRun(VmPlan vm) {
            this.vm = vm;
        }

        void fail(String why, int errno) {
            error = why;
            errorErrno = errno;
            LOG.warn("VM {}: {}", vm.getVmId(), why);
        }

        void prepare() {
            if (vm.getDemote().isEmpty() && vm.getPromote().isEmpty()) {
                return;
            }
            if (vm.getPid() <= 0 || vm.getPid() > Integer.MAX_VALUE) {
                fail("the plan has no host process id for VM " + vm.getVmId() + " (pid " + vm.getPid()
                        + "): the inventory must name it", Errno.ESRCH);
                return;
            }
            pid = (int) vm.getPid();
            try {
                map = resolver.resolve(pid);
            } catch (GuestMemoryResolver.ProcessGoneException e) {
                fail("VM " + vm.getVmId() + ": " + e.getMessage(), Errno.ESRCH);
            } catch (IOException e) {
                fail("VM " + vm.getVmId() + ": cannot map its guest frames to host addresses: " + e.getMessage(), Errno.EFAULT);
            }
        }

        /** Moves the first pages of {@code all} that {@code budgetLeft[0]} allows, and spends it. */
        void apply(List<Long> all, int node, long[] budgetLeft) throws InterruptedException {
            if (all.isEmpty()) {
                return;
            }
            List<Long> pages = all;
            if (error == null && all.size() > budgetLeft[0]) {
                pages = all.subList(0, (int) budgetLeft[0]);
                long cut = all.size() - pages.size();
                overBudget += cut;
                failed += cut;
                failures.merge(OVER_BUDGET, cut, Long::sum);
                if (pages.isEmpty()) {
                    return;
                }
            }
            long started = System.nanoTime();
            int n = pages.size();
            if (error == null) {
                budgetLeft[0] -= n;
            } else {
                for (long gfn : pages) {
                    record(gfn, -errorErrno, node);
                }
                return;
            }
            // Translate; gfns outside guest RAM get -EFAULT without a call, as move_pages reports unmapped addresses.
            int[] pageStatus = new int[n];
            long[] hva = new long[n];
            int[] slot = new int[n];
            int mapped = 0;
            for (int i = 0; i < n; i++) {
                long a = map.hvaOf(pages.get(i));
                if (a < 0) {
                    pageStatus[i] = -Errno.EFAULT;
                } else {
                    hva[mapped] = a;
                    slot[mapped++] = i;
                }
            }
            int[] st = new int[mapped];
            int done = 0;
            try {
                if (mover == null) {
                    locator.locate(pid, hva, st, mapped);
                    done = mapped;
                } else {
                    long[] a = new long[Math.min(batchPages, mapped)];
                    int[] s = new int[a.length];
                    while (done < mapped) {
                        int b = Math.min(a.length, mapped - done);
                        System.arraycopy(hva, done, a, 0, b);
                        limiter.acquire(b);
                        if (mover.move(pid, a, node, s, b) > 0) {
                            relocateUnreached(a, s, b);
                        }
                        System.arraycopy(s, 0, st, done, b);
                        done += b;
                    }
                }
            } catch (NativeIOException e) {
                fail("VM " + vm.getVmId() + " (pid " + pid + "): " + e.getMessage(), e.errno());
                java.util.Arrays.fill(st, done, mapped, -e.errno());
            } finally {
                durationNanos += System.nanoTime() - started;
            }
            for (int k = 0; k < mapped; k++) {
                pageStatus[slot[k]] = st[k];
            }
            for (int i = 0; i < n; i++) {
                if (mover == null) {
                    recordDryRun(pages.get(i), pageStatus[i], node);
                } else {
                    record(pages.get(i), pageStatus[i], node);
                }
            }
        }

        /** After a partial move the kernel stops writing status: ask where the pages it did not reach are. */
        private void relocateUnreached(long[] a, int[] s, int b) throws NativeIOException {
            long[] unreached = new long[b];
            int[] index = new int[b];
            int u = 0;
            for (int i = 0; i < b; i++) {
                if (s[i] == MovePages.NOT_REACHED) {
                    unreached[u] = a[i];
                    index[u++] = i;
                }
            }
            int[] where = new int[u];
            locator.locate(pid, unreached, where, u);
            for (int i = 0; i < u; i++) {
                s[index[i]] = where[i];
            }
        }

        private void record(long gfn, int pageStatus, int target) {
            gfns.add(gfn);
            status.add(pageStatus);
            if (pageStatus == target) {
                moved++;
            } else {
                failed++;
                failures.merge(pageStatus >= 0 ? NOT_MIGRATED : Errno.name(-pageStatus), 1L, Long::sum);
            }
        }

        /** A dry run: a page on another node would move; one already on the target needs nothing; -errno would fail. */
        private void recordDryRun(long gfn, int pageStatus, int target) {
            gfns.add(gfn);
            status.add(pageStatus);
            if (pageStatus < 0) {
                failed++;
                failures.merge(Errno.name(-pageStatus), 1L, Long::sum);
            } else if (pageStatus != target) {
                moved++;
            }
        }

        MigrationResult result(TieringPlan plan) {
            return MigrationResult.newBuilder()
                    .setPlanId(plan.getPlanId())
                    .setVmId(vm.getVmId())
                    .setHost(host)
                    .setTimeMs(clockMs.getAsLong())
                    .setDryRun(mover == null)
                    .setRequestedPages((long) vm.getDemote().size() + vm.getPromote().size())
                    .setMovedPages(moved)
                    .setFailedPages(failed)
                    .setFailuresByErrno(new TreeMap<>(failures))
                    .setDurationMs(durationNanos / 1_000_000)
                    .setGfns(gfns.toList())
                    .setStatus(status.toList())
                    .setError(error)
                    .build();
        }

        /** Where every page of the chunks this VM's moves touched is now (query mode). */
        List<PagePlacement> placements() {
            if (map == null || gfns.size == 0 || errorErrno == Errno.ESRCH) {
                return List.of();
            }
            TreeSet<Long> chunks = new TreeSet<>();
            for (int i = 0; i < gfns.size; i++) {
                chunks.add(gfns.values[i] / chunkPages);
            }
            try {
                return readPlacement(vm.getVmId(), pid, map, chunks);
            } catch (NativeIOException e) {
                LOG.warn("VM {}: cannot read the placement of its pages: {}", vm.getVmId(), e.getMessage());
                return List.of();
            }
        }
    }

    /**
     * The placement of all of a VM's guest RAM, chunk by chunk, without a plan (query mode).
     *
     * @throws IOException when the process is gone or its guest memory cannot be found or read
     */
    public List<PagePlacement> placementOf(String vmId, int pid) throws IOException {
        GuestMemoryMap map = resolver.resolve(pid);
        TreeSet<Long> chunks = new TreeSet<>();
        for (long[] range : map.ranges()) {
            for (long c = range[0] / chunkPages; c <= (range[0] + range[1] - 1) / chunkPages; c++) {
                chunks.add(c);
            }
        }
        return readPlacement(vmId, pid, map, chunks);
    }

    private List<PagePlacement> readPlacement(String vmId, int pid, GuestMemoryMap map, Iterable<Long> chunks)
            throws NativeIOException {
        List<PagePlacement> out = new ArrayList<>();
        long[] hva = new long[chunkPages];
        int[] index = new int[chunkPages];
        int[] st = new int[chunkPages];
        for (long chunk : chunks) {
            long base = chunk * chunkPages;
            byte[] nodes = new byte[chunkPages];
            int mapped = 0;
            for (int i = 0; i < chunkPages; i++) {
                long a = map.hvaOf(base + i);
                if (a < 0) {
                    nodes[i] = (byte) -Errno.EFAULT;
                } else {
                    hva[mapped] = a;
                    index[mapped++] = i;
                }
            }
            locator.locate(pid, hva, st, mapped);
            for (int i = 0; i < mapped; i++) {
                nodes[index[i]] = placementByte(st[i]);
            }
            out.add(PagePlacement.newBuilder()
                    .setVmId(vmId)
                    .setChunkIndex(chunk)
                    .setBaseGfn(base)
                    .setPageCount(chunkPages)
                    .setTimeMs(clockMs.getAsLong())
                    .setNodes(ByteBuffer.wrap(nodes))
                    .build());
        }
        return out;
    }

    /** A node (< 128 on any machine Linux runs) or -errno, as one signed byte. */
    static byte placementByte(int status) {
        return (byte) Math.max(Byte.MIN_VALUE, Math.min(Byte.MAX_VALUE, status));
    }

    /** Growable primitive lists: plans carry tens of thousands of pages per VM. */
    static final class LongList {
        long[] values = new long[16];
        int size;

        void add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        List<Long> toList() {
            List<Long> l = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                l.add(values[i]);
            }
            return l;
        }
    }

    static final class IntList {
        int[] values = new int[16];
        int size;

        void add(int v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        List<Integer> toList() {
            List<Integer> l = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                l.add(values[i]);
            }
            return l;
        }
    }
}
