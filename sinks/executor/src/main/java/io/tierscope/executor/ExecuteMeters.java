package io.tierscope.executor;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.tierscope.avro.MigrationResult;

/**
 * The executor's Prometheus counters ({@code tierscope_execute_*}): plans executed and skipped, pages moved
 * and failed (by errno name, as in the result records), and pages the plan's migration budget held back.
 * In a dry run "moved" counts the pages that would have moved (the {@code dry_run} tag says which).
 */
public final class ExecuteMeters {
    private final MeterRegistry registry;
    private final String dryRun;
    private final Counter plansExecuted;
    private final Counter overBudget;

    public ExecuteMeters(MeterRegistry registry, boolean dryRun) {
        this.registry = registry;
        this.dryRun = Boolean.toString(dryRun);
        this.plansExecuted = Counter.builder("tierscope.execute.plans").tag("dry_run", this.dryRun)
                .description("Plans executed (one per host and period)").register(registry);
        this.overBudget = Counter.builder("tierscope.execute.pages.over.budget").tag("dry_run", this.dryRun)
                .description("Planned pages not moved because the plan's migration budget was spent").register(registry);
        Counter.builder("tierscope.execute.pages.moved").tag("dry_run", this.dryRun)
                .description("Pages moved (dry run: pages that would move)").register(registry);
    }

    /** Counts one executed plan's VM results; the plan last, so a scrape that counts the plan also counts its pages. */
    public void planExecuted(Iterable<MigrationResult> results) {
        for (MigrationResult r : results) {
            registry.counter("tierscope.execute.pages.moved", "dry_run", dryRun).increment(r.getMovedPages());
            r.getFailuresByErrno().forEach((errno, pages) -> {
                if (PlanExecutor.OVER_BUDGET.equals(errno.toString())) {
                    overBudget.increment(pages);
                } else {
                    registry.counter("tierscope.execute.pages.failed", "dry_run", dryRun, "errno", errno.toString())
                            .increment(pages);
                }
            });
        }
        plansExecuted.increment();
    }

    /** Counts a plan that did not run: {@code reason} superseded (a newer plan waited) or stale (older than the maximum age). */
    public void planSkipped(String reason) {
        registry.counter("tierscope.execute.plans.skipped", "reason", reason).increment();
    }
}
