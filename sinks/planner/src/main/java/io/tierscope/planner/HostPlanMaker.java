package io.tierscope.planner;

import io.tierscope.analytics.heat.HeatTable;
import io.tierscope.analytics.heat.SampledCounts;
import io.tierscope.analytics.tiering.allocation.FastMemoryAllocator;
import io.tierscope.analytics.tiering.allocation.HostGrant;
import io.tierscope.analytics.tiering.allocation.MissCurve;
import io.tierscope.analytics.tiering.allocation.VmDemand;
import io.tierscope.analytics.tiering.allocation.VmGrant;
import io.tierscope.analytics.tiering.placement.HeatMemoryScore;
import io.tierscope.analytics.tiering.placement.HeatRanking;
import io.tierscope.analytics.tiering.placement.HostPlacement;
import io.tierscope.analytics.tiering.placement.PageGuard;
import io.tierscope.analytics.tiering.placement.PeriodPass;
import io.tierscope.analytics.tiering.placement.PlacementPlanner;
import io.tierscope.analytics.tiering.placement.VmMoves;
import io.tierscope.analytics.tiering.placement.VmPageState;
import io.tierscope.avro.HostAllocation;
import io.tierscope.avro.HostInventory;
import io.tierscope.avro.MissRatioCurve;
import io.tierscope.avro.MrcPoint;
import io.tierscope.avro.NodeWorkingSets;
import io.tierscope.avro.PageHeatChunk;
import io.tierscope.avro.PagePlacement;
import io.tierscope.avro.TieringPlan;
import io.tierscope.avro.VmAllocation;
import io.tierscope.avro.VmInventory;
import io.tierscope.avro.VmPlan;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One host's plan for one period, as a pure function of what the planner stored: the thin adapter
 * between the Avro records and the tiering algorithms of {@code io.tierscope.analytics.tiering}
 * ({@link FastMemoryAllocator} splits the fast tier, {@link PlacementPlanner} picks the pages).
 *
 * <p>Mapping: a VM's demand is its latest curve (sizes in pages) weighted by its shares and its
 * references per second; a VM without a curve has no evidence that fast memory helps it and gets
 * its reservation. A page's score is its long-memory heat score ({@link HeatMemoryScore}, one byte
 * per page, kept by the caller across periods and updated here once per planned period from the
 * page's newest heat state), ties broken by the state's heat rank; frigid pages are never promoted
 * and sizzle pages never swapped out ({@link PageGuard}). Pages
 * without a placement record are taken to be on the slow node: promoting a page that is already
 * fast is a no-op for move_pages(2), whereas assuming "fast" would plan demotions of pages that may
 * not be there and leave the VM's hot set slow until the executor reports.
 */
public final class HostPlanMaker {
    private final PlannerConfig config;
    private final HeatMemoryScore heatScore;
    /**
     * The page states of the host planned last, by VM, reused by that host's next period: a 1 TiB host's
     * are 1.3 GiB, as costly to allocate each period as to fill. Only one host's are kept.
     */
    private String pageStatesHost;
    private Map<String, VmPageState> pageStates = new HashMap<>();
    /** The sum of the sampled counts (in samples) of the host being planned: its mean count sets the count margins. */
    private double countedSamples;
    /** The fused period loop per heat classifier. */
    private final Map<String, PeriodPass> passes = new HashMap<>();

    public HostPlanMaker(PlannerConfig config) {
        this.config = config;
        this.heatScore = new HeatMemoryScore(config.halfLifePeriods());
    }

    /**
     * The allocation and the moves of one host for the period starting at {@code periodStartMs},
     * and per VM (inventory order) its heat scores after the period, one array per chunk of
     * {@link PlannerConfig#chunkPages()} pages. Not thread-safe: the maker keeps the last host's page states.
     */
    public record HostPlan(HostAllocation allocation, TieringPlan plan, List<NodeWorkingSets> workingSets,
                           List<byte[][]> heatScores) {
    }

    /** A plan without heat memory: every VM's scores start at 0 (the first period of a host). */
    public HostPlan plan(HostInventory inventory, List<VmInputs> vms, long periodStartMs) {
        return plan(inventory, vms, new ArrayList<>(), periodStartMs);
    }

    /**
     * @param vms            one entry per VM of the inventory, in inventory order (missing inputs: empty lists, null curve)
     * @param previousScores per VM the heat scores the last planned period left (see {@link HostPlan#heatScores()});
     *                       a missing VM, a null chunk or missing pages start at 0, pages past the VM's memory are dropped.
     *                       Arrays are reused for the result, so the caller must not keep them.
     */
    public HostPlan plan(HostInventory inventory, List<VmInputs> vms, List<byte[][]> previousScores, long periodStartMs) {
        String planId = inventory.getHost() + "#" + periodStartMs;
        Map<String, VmInventory> byId = new HashMap<>();
        inventory.getVms().forEach(vm -> byId.put(vm.getVmId(), vm));

        Map<String, VmPageState> reusable = inventory.getHost().equals(pageStatesHost) ? pageStates : Map.of();
        pageStates = new HashMap<>();
        pageStatesHost = inventory.getHost();
        List<VmPageState> pages = new ArrayList<>();
        List<VmDemand> demands = new ArrayList<>();
        List<byte[][]> scores = new ArrayList<>();
        countedSamples = 0;
        long hostPages = 0;
        List<NodeWorkingSets> workingSets = new ArrayList<>();
        for (int v = 0; v < vms.size(); v++) {
            VmInputs in = vms.get(v);
            VmInventory vm = byId.get(in.vmId());
            byte[][] vmScores = carriedScores(vm, v < previousScores.size() ? previousScores.get(v) : null);
            scores.add(vmScores);
            VmPageState state = reusableState(vm, reusable.get(vm.getVmId()));
            ChunkedInputs chunked = ChunkedInputs.of(in, vm.getMemoryPages(), config.chunkPages());
            if (chunked != null) {
                long[] hotByNode = periodPass(state, chunked, vmScores, inventory.getFastNode(), inventory.getSlowNode());
                workingSets.add(NodeWorkingSetCounter.of(inventory.getHost(), planId, periodStartMs, inventory.getFastNode(),
                        vm.getVmId(), hotByNode));
            } else {
                updateScores(vm, in, vmScores);
                fillPageState(state, vm, in, vmScores, inventory.getFastNode());
                workingSets.add(NodeWorkingSetCounter.count(inventory.getHost(), planId, periodStartMs, inventory.getFastNode(), in));
            }
            pageStates.put(vm.getVmId(), state);
            pages.add(state);
            hostPages += state.pageCount();
            long limit = vm.getLimitPages() == 0 ? vm.getMemoryPages() : vm.getLimitPages();
            demands.add(new VmDemand(vm.getVmId(), curve(in.curve()), referencesPerSec(in.curve()), vm.getShares(),
                    Math.min(vm.getReservationPages(), limit), limit, state.fastPages()));
        }
        HostGrant grant = new FastMemoryAllocator(config.stepPages()).allocate(inventory.getFastCapacityPages(), demands);

        boolean counted = vms.stream().anyMatch(in -> in.heat().stream().anyMatch(h -> h.getSampledCounts() != null));
        List<PlacementPlanner.VmTarget> targets = new ArrayList<>();
        for (int i = 0; i < pages.size(); i++) {
            targets.add(new PlacementPlanner.VmTarget(pages.get(i), grant.vms().get(i).fastPages()));
        }
        long budget = migrationBudgetPages(inventory);
        // Sampled counts (sample-driven heat) have their own units and noise, so their own margins: a gap of
        // the host's mean count follows the sampling density (and the streams app's half-life, unknown here).
        PlacementPlanner planner = counted ? HeatRanking.countPlanner(countedSamples / Math.max(1, hostPages),
                config.toleranceRatio(), HeatRanking.DEFAULT_COUNT_GAP_MEAN_COUNTS, HeatRanking.DEFAULT_COUNT_NOISE_SIGMAS)
                : new PlacementPlanner(config.toleranceRatio(), config.minScoreGap(), heatScore::variance,
                HeatMemoryScore.DEFAULT_NOISE_SIGMAS);
        HostPlacement placement = planner.plan(inventory.getFastCapacityPages(), budget, targets);

        List<VmAllocation> allocations = new ArrayList<>();
        List<VmPlan> plans = new ArrayList<>();
        for (int i = 0; i < vms.size(); i++) {
            VmInputs in = vms.get(i);
            VmInventory vm = byId.get(in.vmId());
            VmGrant g = grant.vms().get(i);
            VmDemand d = demands.get(i);
            allocations.add(VmAllocation.newBuilder().setVmId(vm.getVmId()).setShares(vm.getShares())
                    .setReservationPages(d.reservationPages()).setLimitPages(d.limitPages())
                    .setReferencesPerSec(d.references()).setWorkingSetPages(in.curve() == null ? 0 : in.curve().getWorkingSetPages())
                    .setPreviousFastPages(g.previousFastPages()).setFastPages(g.fastPages())
                    .setMissRatioBefore(g.missRatioBefore()).setMissRatioAfter(g.missRatioAfter()).build());
            VmMoves moves = placement.vms().get(i);
            plans.add(VmPlan.newBuilder().setVmId(vm.getVmId()).setPid(vm.getPid()).setFastPages(g.fastPages())
                    .setDemote(boxed(moves.demote())).setPromote(boxed(moves.promote()))
                    .setDeferredPages(moves.deferredPages()).build());
        }
        HostAllocation allocation = HostAllocation.newBuilder().setHost(inventory.getHost()).setPlanId(planId)
                .setPeriodStartMs(periodStartMs).setFastCapacityPages(inventory.getFastCapacityPages()).setVms(allocations).build();
        TieringPlan plan = TieringPlan.newBuilder().setPlanId(planId).setHost(inventory.getHost()).setPeriodStartMs(periodStartMs)
                .setFastNode(inventory.getFastNode()).setSlowNode(inventory.getSlowNode()).setMigrationBudgetPages(budget)
                .setVms(plans).build();
        return new HostPlan(allocation, plan, workingSets, scores);
    }

    /** The host's budget over one period: pages per second x period. */
    public long migrationBudgetPages(HostInventory inventory) {
        return Math.multiplyExact(inventory.getMigrationBudgetPagesPerSec(), config.period().toMillis()) / 1000;
    }

    /**
     * The VM's heat scores the last period left, one array per chunk (new ones at 0), not yet updated for
     * this period: the arrays are reused.
     */
    private byte[][] carriedScores(VmInventory vm, byte[][] previous) {
        long pageCount = vm.getMemoryPages();
        int chunkPages = config.chunkPages();
        int chunks = (int) ((pageCount + chunkPages - 1) / chunkPages);
        byte[][] scores = new byte[chunks][];
        for (int c = 0; c < chunks; c++) {
            int length = (int) Math.min(chunkPages, pageCount - (long) c * chunkPages);
            byte[] old = previous != null && c < previous.length ? previous[c] : null;
            scores[c] = old == null ? new byte[length] : old.length == length ? old : Arrays.copyOf(old, length);
        }
        return scores;
    }

    /** The VM's page state to fill: the last period's when it has the same shape (1.3 GiB for 1 TiB), else a new one. */
    private VmPageState reusableState(VmInventory vm, VmPageState previous) {
        if (previous != null && previous.pageCount() == vm.getMemoryPages() && previous.chunkPages() == config.chunkPages()) {
            return previous;
        }
        return new VmPageState(vm.getVmId(), vm.getMemoryPages(), config.chunkPages());
    }

    /**
     * The VM's period when its records lie a chunk each: heat scores, page state and per-node hot pages in one
     * loop per chunk ({@link PeriodPass}). Returns the hot pages by node byte.
     */
    private long[] periodPass(VmPageState state, ChunkedInputs in, byte[][] heatScores, int fastNode, int slowNode) {
        long[] hotByNode = new long[PeriodPass.NO_PLACEMENT + 1];
        PeriodPass anyPass = passFor(HeatTable.fsm5().name());
        for (int c = 0; c < heatScores.length; c++) {
            PageHeatChunk heat = in.heat()[c];
            byte[] nodes = in.nodes()[c];
            if (heat == null) {
                anyPass.runWithoutHeat(state, c, heatScores[c], nodes, fastNode);
            } else {
                char[] counts = heat.getSampledCounts() == null ? null : SampledCounts.fromBytes(heat.getSampledCounts());
                if (counts != null) {
                    countedSamples += HeatRanking.countSum(counts);
                }
                passFor(heat.getClassifier()).run(state, c, heatScores[c], bytes(heat.getAccessStates()), counts, nodes,
                        fastNode, slowNode, hotByNode);
            }
        }
        return hotByNode;
    }

    private PeriodPass passFor(String classifier) {
        return passes.computeIfAbsent(classifier, name -> new PeriodPass(heatScore, HeatTable.byName(name)));
    }

    /**
     * A VM's heat and placement records by chunk, when each starts a chunk, fits in it and is its chunk's only
     * record of its kind (as the streams app and the executor write them); other layouts take the general path.
     */
    private record ChunkedInputs(PageHeatChunk[] heat, byte[][] nodes) {
        static ChunkedInputs of(VmInputs in, long pageCount, int chunkPages) {
            int chunks = (int) ((pageCount + chunkPages - 1) / chunkPages);
            PageHeatChunk[] heat = new PageHeatChunk[chunks];
            byte[][] nodes = new byte[chunks][];
            for (PageHeatChunk h : in.heat()) {
                int c = chunkOf(h.getBaseGfn(), h.getAccessStates().remaining(), pageCount, chunkPages);
                if (c < 0 || heat[c] != null) {
                    return null;
                }
                heat[c] = h;
            }
            for (PagePlacement p : in.placement()) {
                int c = chunkOf(p.getBaseGfn(), p.getNodes().remaining(), pageCount, chunkPages);
                if (c < 0 || nodes[c] != null) {
                    return null;
                }
                nodes[c] = bytes(p.getNodes());
            }
            return new ChunkedInputs(heat, nodes);
        }

        /** The chunk a record of {@code length} pages from {@code base} lies in from its first page, or -1. */
        private static int chunkOf(long base, int length, long pageCount, int chunkPages) {
            if (base < 0 || base >= pageCount || base % chunkPages != 0) {
                return -1;
            }
            return length <= Math.min(chunkPages, pageCount - base) ? (int) (base / chunkPages) : -1;
        }
    }

    /**
     * The general path's heat scores one period on: every page cools, and pages whose newest heat state (the
     * last chunk the streams app published: it publishes only changes) says accessed gain.
     */
    private void updateScores(VmInventory vm, VmInputs in, byte[][] scores) {
        long pageCount = vm.getMemoryPages();
        int chunkPages = config.chunkPages();
        for (byte[] chunkScores : scores) {
            heatScore.decay(chunkScores, 0, chunkScores.length);
        }
        for (PageHeatChunk chunk : in.heat()) {
            byte[] states = bytes(chunk.getAccessStates());
            HeatTable table = HeatTable.byName(chunk.getClassifier());
            long base = chunk.getBaseGfn();
            int done = 0;
            while (done < states.length && base + done < pageCount) {
                long gfn = base + done;
                int c = (int) (gfn / chunkPages);
                int offset = (int) (gfn % chunkPages);
                int length = Math.min(states.length - done, scores[c].length - offset);
                heatScore.addAccessed(table, states, done, scores[c], offset, length);
                done += length;
            }
        }
    }

    /**
     * The general path's scores, guards and fast bitmap of a VM's pages; heat or placement past its memory size is
     * ignored. A page's score and guard are {@link HeatRanking}'s (the simulator's tierscope-fsm row runs
     * the same code): its heat score plus its state's heat rank as a fraction below 1, or, when its heat
     * record carries sampled access counts, its count in samples (the tierscope-counts row).
     */
    private void fillPageState(VmPageState state, VmInventory vm, VmInputs in, byte[][] heatScores, int fastNode) {
        state.clearGuardsAndPlacement(); // every score is rewritten below
        for (int c = 0; c < heatScores.length; c++) {
            float[] ranked = state.scores(c);
            byte[] s = heatScores[c];
            for (int i = 0; i < s.length; i++) {
                ranked[i] = s[i] & 0xff;
            }
        }
        long pageCount = vm.getMemoryPages();
        int chunkPages = config.chunkPages();
        for (PageHeatChunk chunk : in.heat()) {
            byte[] states = bytes(chunk.getAccessStates());
            HeatTable table = HeatTable.byName(chunk.getClassifier());
            HeatRanking ranking = new HeatRanking(table);
            char[] counts = chunk.getSampledCounts() == null ? null : SampledCounts.fromBytes(chunk.getSampledCounts());
            long base = chunk.getBaseGfn();
            int done = 0;
            while (done < states.length && base + done < pageCount) {
                long gfn = base + done;
                int c = (int) (gfn / chunkPages);
                int offset = (int) (gfn % chunkPages);
                int length = Math.min(states.length - done, state.pagesIn(c) - offset);
                if (counts != null) {
                    countedSamples += ranking.rankCounts(counts, done, states, done, state.scores(c), state.guards(c), offset,
                            length);
                } else {
                    ranking.rank(heatScores[c], offset, states, done, state.scores(c), state.guards(c), offset, length);
                }
                done += length;
            }
        }
        for (PagePlacement chunk : in.placement()) {
            byte[] nodes = bytes(chunk.getNodes());
            long base = chunk.getBaseGfn();
            if (base < pageCount) { // a negative base fails in markFast, as a page outside the VM
                state.markFast(base, nodes, (int) Math.min(nodes.length, pageCount - base), fastNode);
            }
        }
    }

    /** The curve in pages; none: a flat line at 1 (fast memory removes no misses, so only the reservation). */
    public static MissCurve curve(MissRatioCurve c) {
        if (c == null || c.getPoints().isEmpty()) {
            return MissCurve.of(0, 1.0);
        }
        List<MrcPoint> points = c.getPoints();
        long[] sizes = new long[points.size()];
        double[] ratios = new double[points.size()];
        int n = 0;
        for (MrcPoint p : points) {
            if (n > 0 && p.getSizePages() <= sizes[n - 1]) {
                continue; // a repeated size (log and linear grids meet) adds nothing
            }
            sizes[n] = p.getSizePages();
            ratios[n] = Math.min(1, Math.max(0, p.getMissRatio()));
            n++;
        }
        return new MissCurve(Arrays.copyOf(sizes, n), Arrays.copyOf(ratios, n));
    }

    /** References per second the curve stands for (rescaled by its sampling); 0 without a curve. */
    static double referencesPerSec(MissRatioCurve c) {
        if (c == null) {
            return 0;
        }
        long spanMs = c.getWindowEndMs() - c.getWindowStartMs();
        return spanMs <= 0 ? 0 : c.getReferences() * 1000.0 / spanMs;
    }

    private static List<Long> boxed(long[] gfns) {
        List<Long> out = new ArrayList<>(gfns.length);
        for (long g : gfns) {
            out.add(g);
        }
        return out;
    }

    /** The buffer's bytes, for reading only: its own array when it wraps one whole (decoded records do), else a copy. */
    static byte[] bytes(ByteBuffer buffer) {
        if (buffer.hasArray() && buffer.arrayOffset() == 0 && buffer.position() == 0
                && buffer.remaining() == buffer.array().length) {
            return buffer.array(); // no copy: 1 GiB of heat states per 1 TiB period, read three times
        }
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
