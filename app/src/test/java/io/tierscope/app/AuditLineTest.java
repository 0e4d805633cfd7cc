package io.tierscope.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.avro.AuditStatus;
import io.tierscope.avro.CurveErrors;
import io.tierscope.avro.MrcAudit;
import org.junit.jupiter.api.Test;

class AuditLineTest {
    private static MrcAudit.Builder audit() {
        return MrcAudit.newBuilder().setVmId("vm-1").setWindowStartMs(0).setWindowEndMs(10_000)
                .setStatus(AuditStatus.MEASURED).setExactPages(101_234).setMaxPages(1 << 20).setSamplingRate(0.081)
                .setReferenceRate(1).setLongCurveKind("CUMULATIVE");
    }

    @Test
    void measured() {
        String line = AuditLine.format(audit()
                .setWindow(new CurveErrors(0.0031, 0.041, 1000L, -0.012, 9000L, -0.01, 11))
                .setLongCurve(new CurveErrors(0.0012, 0.02, 10L, 0.0, 0L, 0.0, 0)).build());
        assertEquals("audit  window MAE 0.0031 max 0.041 cliff -1.2%  cumulative MAE 0.0012 max 0.020 no cliff"
                + "  exact 101.2k pages, rate 0.0810", line);
    }

    @Test
    void overBudgetAndEmptyWindow() {
        String over = AuditLine.format(audit().setStatus(AuditStatus.OVER_BUDGET).setExactPages(1_100_000).build());
        assertTrue(over.equals("audit  over budget: the exact engine reached 1.1M pages (budget 1.0M)"), over);
        String empty = AuditLine.format(audit()
                .setWindow(new CurveErrors(Double.NaN, Double.NaN, 0L, Double.NaN, 0L, Double.NaN, 0))
                .setLongCurve(new CurveErrors(0.001, 0.002, 1L, 0.0, 0L, 0.0, 0)).build());
        assertTrue(empty.contains("window no references  cumulative MAE 0.0010"), empty);
    }
}
