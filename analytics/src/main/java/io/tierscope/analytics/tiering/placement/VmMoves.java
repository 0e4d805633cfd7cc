package io.tierscope.analytics.tiering.placement;

/**
 * The moves of one VM for one period. Executors apply every VM's demotions before any promotion.
 *
 * @param vmId          the VM
 * @param fastPagesAllowed its allocation this period
 * @param fastPagesAfter fast pages once the moves are applied
 * @param demote        gfns to move to the slow tier, coldest first
 * @param promote       gfns to move to the fast tier, hottest first
 * @param deferredPages moves the placement wanted but the budget (or the host's free fast pages) left for
 *                      later periods; a lower bound when the candidate lists were cut at the budget
 */
public record VmMoves(String vmId, long fastPagesAllowed, long fastPagesAfter, long[] demote, long[] promote,
                      long deferredPages) {
    /** Pages this VM migrates (demotions plus promotions). */
    public long migratedPages() {
        return (long) demote.length + promote.length;
    }
}
