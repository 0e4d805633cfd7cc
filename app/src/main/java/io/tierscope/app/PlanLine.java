package io.tierscope.app;

import io.tierscope.avro.TieringPlan;
import io.tierscope.avro.VmPlan;
import java.util.stream.Collectors;

/** One text line per tiering plan: per VM its fast-memory allocation and the pages promoted, demoted and deferred. */
final class PlanLine {
    private PlanLine() {
    }

    static String format(TieringPlan plan, long periodMs) {
        String vms = plan.getVms().stream().map(PlanLine::vm).collect(Collectors.joining(" | "));
        return WindowLabel.of(plan.getPeriodStartMs(), plan.getPeriodStartMs() + periodMs, plan.getHost())
                + " plan    " + vms;
    }

    private static String vm(VmPlan vm) {
        return vm.getVmId() + " fast " + vm.getFastPages() + " +" + vm.getPromote().size() + " -" + vm.getDemote().size()
                + (vm.getDeferredPages() > 0 ? " deferred " + vm.getDeferredPages() : "");
    }
}
