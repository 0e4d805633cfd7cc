package io.tierscope.streams.mrc;

import io.tierscope.analytics.mrc.MissRatioCurve;
import io.tierscope.avro.CurveKind;
import java.util.ArrayList;
import java.util.List;

/** Turns an engine's {@link MissRatioCurve} into the Avro record of the MRC topics. */
public final class CurveRecords {
    private CurveRecords() {
    }

    /**
     * The Avro curve of one VM for window [{@code startMs}, {@code endMs}). A curve without
     * references (e.g. every sample filtered out) has no points rather than NaN miss ratios.
     */
    public static io.tierscope.avro.MissRatioCurve toAvro(String vmId, CurveKind kind, long startMs, long endMs,
                                                          String accessFilter, MissRatioCurve curve, long sampledPages,
                                                          long lateBatches) {
        List<io.tierscope.avro.MrcPoint> points = new ArrayList<>(curve.points());
        boolean empty = curve.references() == 0;
        for (int i = 0; i < curve.points() && !empty; i++) {
            points.add(new io.tierscope.avro.MrcPoint(curve.sizePages()[i], curve.sizeBytes(i), curve.missRatio()[i]));
        }
        return io.tierscope.avro.MissRatioCurve.newBuilder()
                .setVmId(vmId)
                .setKind(kind)
                .setWindowStartMs(startMs)
                .setWindowEndMs(endMs)
                .setAccessFilter(accessFilter)
                .setPageSizeBytes(curve.pageSize())
                .setSamplingRate(curve.samplingRate())
                .setSampledPages(sampledPages)
                .setReferences(curve.references())
                .setColdMisses(Math.round(curve.footprintPages()))
                .setPoints(points)
                .setWorkingSetPages(empty ? 0 : curve.workingSetPages())
                .setLateBatches(lateBatches)
                .setInterpolationError(empty || Double.isNaN(curve.interpolationError()) ? null : curve.interpolationError())
                .build();
    }
}
