package io.tierscope.streams.heat;

import io.tierscope.avro.HeatChange;
import io.tierscope.avro.HeatSummary;
import io.tierscope.avro.PageHeatChunk;
import io.tierscope.streams.TopologySerdes;
import io.tierscope.streams.window.TumblingWindows;
import io.tierscope.topics.Topic;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/** The heat part of the topology: decoded scans -> {@link HeatProcessor} + its stores -> three topics. */
public final class HeatTopology {
    public static final String HEAT = "heat";
    public static final String PAGE_HEAT_SINK = "page-heat-sink";
    public static final String HEAT_CHANGES_SINK = "heat-changes-sink";
    public static final String HEAT_SUMMARY_SINK = "heat-summary-sink";

    private HeatTopology() {
    }

    /** Adds the heat processor as a child of {@code scansDecoder} (which must forward to {@link #HEAT}). */
    public static void addHeat(Topology topology, HeatConfig config, TumblingWindows windows, TopologySerdes serdes,
                               String scansDecoder) {
        topology.addProcessor(HEAT, () -> new HeatProcessor(config, windows, PAGE_HEAT_SINK, HEAT_CHANGES_SINK,
                HEAT_SUMMARY_SINK), scansDecoder);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(HeatProcessor.CHUNKS_STORE), Serdes.String(), Serdes.ByteArray()), HEAT);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(HeatProcessor.VMS_STORE), Serdes.String(), VmHeatProgress.serde()), HEAT);
        topology.addSink(PAGE_HEAT_SINK, Topic.PAGE_HEAT.topicName(), new StringSerializer(),
                serdes.value(PageHeatChunk.class).serializer(), HEAT);
        topology.addSink(HEAT_CHANGES_SINK, Topic.HEAT_CHANGES.topicName(), new StringSerializer(),
                serdes.value(HeatChange.class).serializer(), HEAT);
        topology.addSink(HEAT_SUMMARY_SINK, Topic.HEAT_SUMMARY.topicName(), new StringSerializer(),
                serdes.value(HeatSummary.class).serializer(), HEAT);
    }
}
