package io.tierscope.app;

import io.tierscope.avro.MigrationResult;
import java.util.stream.Collectors;

/** The demo's row per executor result (one VM of one plan): pages moved, and not moved by reason. */
final class ExecuteLine {
    private ExecuteLine() {
    }

    /**
     * The start of the plan's period (plan id {@code host#periodStartMs}); the plan is made once that
     * window closes and executed in the next one, which is where the demo prints the row.
     */
    static long windowStart(MigrationResult r) {
        String planId = r.getPlanId();
        return Long.parseLong(planId.substring(planId.lastIndexOf('#') + 1));
    }

    static String text(MigrationResult r) {
        String failures = r.getFailuresByErrno().entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
        return "execute (previous window's plan) moved " + r.getMovedPages() + " of " + r.getRequestedPages()
                + (r.getFailedPages() > 0 ? ", not moved " + r.getFailedPages() + " (" + failures + ")" : "")
                + (r.getError() != null ? ", error: " + r.getError() : "") + (r.getDryRun() ? " (dry run)" : " (simulated memory)");
    }
}
