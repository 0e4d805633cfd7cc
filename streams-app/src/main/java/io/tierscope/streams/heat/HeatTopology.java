package io.tierscope.streams.heat;

import io.tierscope.avro.HeatChange;
import io.tierscope.avro.HeatSummary;
import io.tierscope.avro.PageHeatChunk;
import io.tierscope.streams.TopologySerdes;
import io.tierscope.streams.window.TumblingWindows;
import io.tierscope.topics.Topic;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/** The heat part of the topology: decoded scans (or samples) -> {@link HeatProcessor} + its stores -> three topics. */
public final class HeatTopology {
    public static final String HEAT = "heat";
    public static final String PAGE_HEAT_SINK = "page-heat-sink";
    public static final String HEAT_CHANGES_SINK = "heat-changes-sink";
    public static final String HEAT_SUMMARY_SINK = "heat-summary-sink";

    private HeatTopology() {
    }

    /** What the scans decoder forwards to: {@link #HEAT} when scans drive heat. */
    public static List<String> scanConsumers(HeatConfig config) {
        return config.source() == HeatConfig.Source.SCANS ? List.of(HEAT) : List.of();
    }

    /** What the samples decoder forwards to for heat: {@link #HEAT} when samples drive it. */
    public static List<String> sampleConsumers(HeatConfig config) {
        return config.source() == HeatConfig.Source.SAMPLES ? List.of(HEAT) : List.of();
    }

    /**
     * Adds the heat processor under the decoder of its source (which must forward to {@link #HEAT}:
     * {@link #scanConsumers} / {@link #sampleConsumers}).
     */
    public static void addHeat(Topology topology, HeatConfig config, TumblingWindows windows, TopologySerdes serdes,
                               String scansDecoder, String samplesDecoder) {
        String parent = config.source() == HeatConfig.Source.SCANS ? scansDecoder : samplesDecoder;
        topology.addProcessor(HEAT, () -> new HeatProcessor(config, windows, PAGE_HEAT_SINK, HEAT_CHANGES_SINK,
                HEAT_SUMMARY_SINK), parent);
        if (config.source() == HeatConfig.Source.SAMPLES) {
            topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(
                    HeatProcessor.SAMPLE_PERIODS_STORE), Serdes.String(), Serdes.ByteArray()), HEAT);
        }
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
