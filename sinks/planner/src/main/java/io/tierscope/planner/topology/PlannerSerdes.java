package io.tierscope.planner.topology;

import io.tierscope.avro.HostAllocation;
import io.tierscope.avro.HostInventory;
import io.tierscope.avro.MissRatioCurve;
import io.tierscope.avro.NodeWorkingSets;
import io.tierscope.avro.PageHeatChunk;
import io.tierscope.avro.PagePlacement;
import io.tierscope.avro.TieringPlan;
import io.tierscope.streams.TopologySerdes;
import org.apache.kafka.common.serialization.Serde;

/** The registry-backed serdes of the planner's input and output records, sharing one registry client. */
public record PlannerSerdes(Serde<HostInventory> inventory, Serde<MissRatioCurve> curve, Serde<PageHeatChunk> heat,
                            Serde<PagePlacement> placement, Serde<HostAllocation> allocation, Serde<TieringPlan> plan,
                            Serde<NodeWorkingSets> workingSets) {
    public static PlannerSerdes of(TopologySerdes serdes) {
        return new PlannerSerdes(serdes.value(HostInventory.class), serdes.value(MissRatioCurve.class),
                serdes.value(PageHeatChunk.class), serdes.value(PagePlacement.class), serdes.value(HostAllocation.class),
                serdes.value(TieringPlan.class), serdes.value(NodeWorkingSets.class));
    }
}
