package io.tierscope.app;

import io.tierscope.avro.MigrationResult;
import java.util.stream.Collectors;

/** One text line per executor result (one VM of one plan): pages moved, and failed by reason. */
final class ExecuteLine {
    private ExecuteLine() {
    }

    static String format(MigrationResult r, long periodMs) {
        String planId = r.getPlanId();
        long start = Long.parseLong(planId.substring(planId.lastIndexOf('#') + 1));
        String failures = r.getFailuresByErrno().entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
        return WindowLabel.of(start, start + periodMs, r.getVmId()) + " execute moved " + r.getMovedPages() + " of "
                + r.getRequestedPages() + (r.getFailedPages() > 0 ? ", not moved " + r.getFailedPages() + " (" + failures + ")" : "")
                + (r.getError() != null ? ", error: " + r.getError() : "") + (r.getDryRun() ? " (dry run)" : " (simulated memory)");
    }

}
