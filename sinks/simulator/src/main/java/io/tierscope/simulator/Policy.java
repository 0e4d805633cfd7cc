package io.tierscope.simulator;

import io.tierscope.analytics.tiering.placement.HostPlacement;
import io.tierscope.analytics.tiering.placement.VmMoves;
import io.tierscope.analytics.tiering.placement.VmPageState;

/**
 * A placement policy in the simulator. Every policy sees the same accesses and has the same fast
 * capacity and migration budget; it keeps its own placement (one {@link VmPageState} per VM).
 * Per period: {@link #plan} (moves at the period's start), then the period's accesses, of which
 * the sampled ones reach {@link #observe}, then {@link #endPeriod}.
 */
abstract class Policy {
    final String name;
    final Fleet fleet;
    final VmPageState[] placement;
    long hits;
    long promotions;
    long demotions;
    final long[] vmHits;

    Policy(String name, Fleet fleet) {
        this.name = name;
        this.fleet = fleet;
        this.placement = new VmPageState[fleet.vmCount()];
        for (int v = 0; v < placement.length; v++) {
            placement[v] = new VmPageState(fleet.vmName(v), fleet.pages(v), Fleet.CHUNK_PAGES);
        }
        this.vmHits = new long[placement.length];
    }

    /** Moves at the start of period {@code period}; {@code fleet.periodPages(v)} are its accesses (oracles only). */
    abstract void plan(int period, long nowMs);

    /** A sampled access (what a real collector would see). */
    void observe(int vm, int page, int xwr, long timeMs) {
    }

    void endPeriod(int period, long nowMs) {
    }

    /** Whether an access to this page finds it in fast memory. */
    boolean isFast(int vm, int page) {
        return placement[vm].isFast(page);
    }

    long fastPages() {
        long n = 0;
        for (VmPageState s : placement) {
            n += s.fastPages();
        }
        return n;
    }

    /** First touch: the page is allocated in fast memory while the host has free fast pages. */
    void firstTouch(int vm, int page) {
        if (fastPages() < fleet.capacityPages()) {
            placement[vm].setFast(page, true);
        }
    }

    /** Applies a plan as the executor does: every demotion first, then every promotion. */
    void apply(HostPlacement plan, int firstVm) {
        for (int i = 0; i < plan.vms().size(); i++) {
            VmMoves m = plan.vms().get(i);
            placement[firstVm + i].apply(m);
            demotions += m.demote().length;
            promotions += m.promote().length;
        }
    }

    /** Fast pages VM {@code vm} holds now. */
    long vmFastPages(int vm) {
        return placement[vm].fastPages();
    }

    long migratedPages() {
        return promotions + demotions;
    }
}
