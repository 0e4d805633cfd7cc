package io.tierscope.app;

import io.tierscope.avro.AuditStatus;
import io.tierscope.avro.CurveErrors;
import io.tierscope.avro.MrcAudit;
import java.util.Locale;

/**
 * The text of the demo's row for an MRC audit record (the live accuracy self-check), printed in its window after
 * the VM's name, e.g. {@code audit  window MAE 0.0031 max 0.041 cliff -1.2%  cumulative MAE 0.0012 max 0.020
 * cliff +0.4%  exact 101.2k pages, rate 0.0810}; or {@code audit  over budget: the exact engine reached 1.1M pages
 * (budget 1.0M)}.
 */
final class AuditLine {
    private AuditLine() {
    }

    static String format(MrcAudit a) {
        StringBuilder line = new StringBuilder("audit  ");
        if (a.getStatus() == AuditStatus.OVER_BUDGET) {
            return line.append("over budget: the exact engine reached ").append(DemoPrinter.count(a.getExactPages()))
                    .append(" pages (budget ").append(DemoPrinter.count(a.getMaxPages())).append(")").toString();
        }
        errors(line, "window", a.getWindow());
        line.append("  ");
        errors(line, a.getLongCurveKind().toString().toLowerCase(Locale.ROOT), a.getLongCurve());
        return line.append(String.format(Locale.ROOT, "  exact %s pages, rate %.4f", DemoPrinter.count(a.getExactPages()),
                a.getSamplingRate())).toString();
    }

    private static void errors(StringBuilder line, String name, CurveErrors e) {
        line.append(name);
        if (e == null || Double.isNaN(e.getMeanAbsoluteError())) {
            line.append(" no references");
            return;
        }
        line.append(String.format(Locale.ROOT, " MAE %.4f max %.3f", e.getMeanAbsoluteError(), e.getMaxError()));
        line.append(e.getCliffLevels() == 0 ? " no cliff"
                : String.format(Locale.ROOT, " cliff %+.1f%%", 100 * e.getCliffError()));
    }
}
