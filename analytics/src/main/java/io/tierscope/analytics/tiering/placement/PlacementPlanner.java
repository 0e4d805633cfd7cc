package io.tierscope.analytics.tiering.placement;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.function.DoubleUnaryOperator;

/**
 * Chooses the pages each VM of a host holds in fast memory for one period, as moves from the
 * current placement: demotions (coldest first) and promotions (hottest first).
 *
 * <p>Each VM's target is its {@code fastPagesAllowed} hottest pages by score (see
 * {@link VmPageState}), under the heat guards of {@link PageGuard}. The host's migration budget
 * (pages per period, demotions and promotions together) is spent in this order:
 * <ol>
 *   <li>demotions a shrunken allocation forces (coldest first across the host's VMs, pinned pages last),
 *       with half the budget kept back while other VMs wait to grow (memory changes hands in pairs);</li>
 *   <li>promotions into free fast pages, for VMs below their allocation (hottest first across VMs);</li>
 *   <li>swaps, a demotion and a promotion each, largest score gain first, while the slow page
 *       beats the fast one by the hysteresis margin: {@code hot > cold x (1 + toleranceRatio)} and
 *       {@code hot - cold >= minScoreGap} (kvm_hybridmem's temperature_tolerance_ratio: pages near the
 *       boundary do not flap), and the fast page is not pinned.</li>
 * </ol>
 * The fast tier is never over capacity at any step when the executor applies every demotion
 * before any promotion, and never over a VM's allocation: promotions only fill pages freed by
 * demotions or already free. What the budget cuts off is counted as deferred.
 *
 * <p>Cost: two passes over the host's pages (see {@link PageSelection}; one when {@link PeriodPass}
 * filled them) and work proportional to the budget; nothing per page is allocated. Deterministic: ties go to the lower gfn, then to the
 * VM that comes first in the input.
 */
public final class PlacementPlanner {
    private final double toleranceRatio;
    private final double minScoreGap;
    private final DoubleUnaryOperator scoreVariance;
    private final double noiseSigmas;

    /**
     * @param toleranceRatio relative margin a slow page's score must beat a fast page's by to swap, >= 0
     * @param minScoreGap    absolute margin (score units), >= 0
     */
    public PlacementPlanner(double toleranceRatio, double minScoreGap) {
        if (!(toleranceRatio >= 0) || Double.isInfinite(toleranceRatio)) {
            throw new IllegalArgumentException("toleranceRatio must be a finite number >= 0, got " + toleranceRatio);
        }
        if (!(minScoreGap >= 0) || Double.isInfinite(minScoreGap)) {
            throw new IllegalArgumentException("minScoreGap must be a finite number >= 0, got " + minScoreGap);
        }
        this.toleranceRatio = toleranceRatio;
        this.minScoreGap = minScoreGap;
        this.scoreVariance = s -> 0;
        this.noiseSigmas = 0;
    }

    /**
     * With a noise-aware margin as well: a swap also needs {@code hot - cold >= noiseSigmas x
     * sqrt(scoreVariance(hot) + scoreVariance(cold))}, so two pages whose scores differ by sampling noise
     * (e.g. {@link HeatMemoryScore#variance}) do not swap, whatever the fixed gap says.
     */
    public PlacementPlanner(double toleranceRatio, double minScoreGap, DoubleUnaryOperator scoreVariance, double noiseSigmas) {
        if (!(noiseSigmas >= 0) || Double.isInfinite(noiseSigmas)) {
            throw new IllegalArgumentException("noiseSigmas must be a finite number >= 0, got " + noiseSigmas);
        }
        PlacementPlanner base = new PlacementPlanner(toleranceRatio, minScoreGap);
        this.toleranceRatio = base.toleranceRatio;
        this.minScoreGap = base.minScoreGap;
        this.scoreVariance = Objects.requireNonNull(scoreVariance, "scoreVariance");
        this.noiseSigmas = noiseSigmas;
    }

    /** One VM of the host and the fast pages it may hold this period (its allocation). */
    public record VmTarget(VmPageState pages, long fastPagesAllowed) {
        public VmTarget {
            Objects.requireNonNull(pages, "pages");
            if (fastPagesAllowed < 0) {
                throw new IllegalArgumentException("fastPagesAllowed of VM " + pages.vmId() + " must be >= 0, got "
                        + fastPagesAllowed);
            }
        }
    }

    /**
     * Plans one period.
     *
     * @param capacityPages fast pages of the host, >= 0
     * @param budgetPages   most pages to migrate this period (demotions plus promotions), >= 0
     * @param vms           the host's VMs with their allocations
     */
    public HostPlacement plan(long capacityPages, long budgetPages, List<VmTarget> vms) {
        if (capacityPages < 0 || budgetPages < 0) {
            throw new IllegalArgumentException("capacityPages and budgetPages must be >= 0, got " + capacityPages
                    + " and " + budgetPages);
        }
        int n = vms.size();
        int listCap = (int) Math.min(budgetPages, Integer.MAX_VALUE - 8);
        PageSelection[] sel = new PageSelection[n];
        long[] fast = new long[n];
        long[] allowed = new long[n];
        int[] demoted = new int[n];
        int[] promoted = new int[n];
        long hostFast = 0;
        for (int v = 0; v < n; v++) {
            VmTarget t = vms.get(v);
            allowed[v] = Math.min(t.fastPagesAllowed(), t.pages().pageCount());
            fast[v] = t.pages().fastPages();
            hostFast += fast[v];
            sel[v] = PageSelection.select(t.pages(), listCap, listCap);
        }
        // Forced demotions are worth something only when the pages they free are used: while VMs wait
        // to grow, half the budget is kept for their promotions, so memory moves between VMs as pairs
        // instead of the demotions using up the budget (and first touches taking the freed pages).
        long growth = 0;
        for (int v = 0; v < n; v++) {
            if (fast[v] < allowed[v]) {
                growth += Math.min(allowed[v] - fast[v], sel[v].hotGfns.length);
            }
        }
        long reserved = Math.min(growth, budgetPages / 2);
        long budget = budgetPages - reserved;

        // 1. Forced demotions, coldest first across VMs.
        PriorityQueue<Cursor> queue = new PriorityQueue<>();
        for (int v = 0; v < n; v++) {
            if (fast[v] > allowed[v] && sel[v].coldGfns.length > 0) {
                queue.add(new Cursor(v, sel[v].coldKeys[0]));
            }
        }
        while (budget > 0 && !queue.isEmpty()) {
            int v = queue.poll().vm;
            demoted[v]++;
            fast[v]--;
            hostFast--;
            budget--;
            if (fast[v] > allowed[v] && demoted[v] < sel[v].coldGfns.length) {
                queue.add(new Cursor(v, sel[v].coldKeys[demoted[v]]));
            }
        }

        // 2. Promotions into free pages, hottest first across VMs.
        budget += reserved;
        queue.clear();
        for (int v = 0; v < n; v++) {
            if (fast[v] < allowed[v] && sel[v].hotGfns.length > 0) {
                queue.add(new Cursor(v, -Float.floatToRawIntBits(sel[v].hotScores[0])));
            }
        }
        while (budget > 0 && hostFast < capacityPages && !queue.isEmpty()) {
            int v = queue.poll().vm;
            promoted[v]++;
            fast[v]++;
            hostFast++;
            budget--;
            if (fast[v] < allowed[v] && promoted[v] < sel[v].hotGfns.length) {
                queue.add(new Cursor(v, -Float.floatToRawIntBits(sel[v].hotScores[promoted[v]])));
            }
        }

        // 3. Swaps, largest gain first across VMs.
        PriorityQueue<Swap> swaps = new PriorityQueue<>();
        for (int v = 0; v < n; v++) {
            Swap s = nextSwap(v, sel[v], demoted[v], promoted[v]);
            if (s != null) {
                swaps.add(s);
            }
        }
        while (budget >= 2 && !swaps.isEmpty()) {
            int v = swaps.poll().vm;
            demoted[v]++;
            promoted[v]++;
            budget -= 2;
            Swap s = nextSwap(v, sel[v], demoted[v], promoted[v]);
            if (s != null) {
                swaps.add(s);
            }
        }

        List<VmMoves> out = new ArrayList<>(n);
        for (int v = 0; v < n; v++) {
            PageSelection s = sel[v];
            long deferred = Math.max(0, fast[v] - allowed[v]);
            long room = allowed[v] - fast[v];
            if (room > 0) {
                deferred += Math.min(room, s.promotable - promoted[v]);
            }
            for (int d = demoted[v], p = promoted[v]; nextSwap(v, s, d, p) != null; d++, p++) {
                deferred += 2;
            }
            out.add(new VmMoves(vms.get(v).pages().vmId(), allowed[v], fast[v],
                    Arrays.copyOf(s.coldGfns, demoted[v]), Arrays.copyOf(s.hotGfns, promoted[v]), deferred));
        }
        return new HostPlacement(capacityPages, budgetPages, out);
    }

    /** The VM's next swap (its next hottest slow page for its next coldest fast page), if it pays. */
    private Swap nextSwap(int v, PageSelection s, int demoted, int promoted) {
        if (demoted >= s.coldGfns.length || promoted >= s.hotGfns.length || s.coldKeys[demoted] == PageSelection.PINNED) {
            return null;
        }
        double hot = s.hotScores[promoted];
        double cold = PageSelection.scoreOf(s.coldKeys[demoted]);
        if (hot > cold * (1 + toleranceRatio) && hot - cold >= minScoreGap
                && (noiseSigmas == 0 || hot - cold >= noiseSigmas * Math.sqrt(scoreVariance.applyAsDouble(hot)
                        + scoreVariance.applyAsDouble(cold)))) {
            return new Swap(v, hot - cold);
        }
        return null;
    }

    /** A VM's next page in a host-wide order: smallest key first, then lowest VM. */
    private record Cursor(int vm, int key) implements Comparable<Cursor> {
        @Override
        public int compareTo(Cursor o) {
            int c = Integer.compare(key, o.key);
            return c != 0 ? c : Integer.compare(vm, o.vm);
        }
    }

    private record Swap(int vm, double gain) implements Comparable<Swap> {
        @Override
        public int compareTo(Swap o) {
            int c = Double.compare(o.gain, gain);
            return c != 0 ? c : Integer.compare(vm, o.vm);
        }
    }
}
