package io.tierscope.planner;

import io.tierscope.avro.MissRatioCurve;
import io.tierscope.avro.PageHeatChunk;
import io.tierscope.avro.PagePlacement;
import java.util.List;

/**
 * What the planner knows of one VM of a host at the end of a period: its latest curve (null when
 * the streams app has published none yet), its heat chunks and the nodes of its pages (each in
 * chunk order; empty when none arrived).
 */
public record VmInputs(String vmId, MissRatioCurve curve, List<PageHeatChunk> heat, List<PagePlacement> placement) {
}
