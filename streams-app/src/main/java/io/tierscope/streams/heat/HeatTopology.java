package io.tierscope.streams.heat;

import io.tierscope.analytics.heat.ChunkHeat;
import io.tierscope.avro.HeatChange;
import io.tierscope.avro.HeatSummary;
import io.tierscope.avro.PageHeatChunk;
import io.tierscope.schemas.ScanSequence;
import io.tierscope.streams.TopologySerdes;
import io.tierscope.streams.window.TumblingWindows;
import io.tierscope.topics.Topic;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * The heat part of the topology: A/D scans ({@link ScanHeatProcessor}) or sampled pages per period
 * ({@link SampleHeatProcessor}) -> per (VM, gfn chunk) heat states (US 9,063,866 B1) in the
 * changelogged {@value HeatStores#CHUNKS} store -> heat changes, page heat, per-VM summaries.
 *
 * <ul>
 *   <li>A scan is cut at chunk boundaries; each piece is applied to its chunk's {@link ChunkHeat}
 *       and the chunk is written back (one store write per applied piece: under exactly-once only
 *       the store survives a crash, so nothing else may hold state). Duplicated and reordered
 *       scans are ignored by scan sequence and change nothing, outputs included; a restarted
 *       collector's scans carry a newer incarnation ({@link ScanSequence}) and apply. Missed periods
 *       follow {@link HeatConfig#gapPolicy()}. A piece of another length than the chunk resizes it
 *       (VM memory grew or shrank at its end). With {@link HeatConfig.Source#SAMPLES}, each closed
 *       sampling period of a VM is such a scan of all its chunks.</li>
 *   <li>{@link HeatChange}: per applied piece and bit, the pages that became hot or went cold.</li>
 *   <li>{@link HeatSummary} once per VM per window, and with it the {@link PageHeatChunk} of every
 *       chunk whose states changed since it was last published (not per scan: a 1 TiB host would
 *       publish 256 MiB per period). A VM's window is summarised when the VM's first scan of a
 *       later window arrives (its states are then exactly those at the window's end), or, for a VM
 *       that went quiet, when the task's event time (newest scan of any VM) passes its end + grace.</li>
 *   <li>TTL in event time (the newest scan time the task has seen), not wall-clock: outputs stay
 *       a function of the input (a replay after a crash, or a topology paused by a broker outage,
 *       does not expire VMs that were alive in event time). A chunk no longer scanned for the TTL while its VM still is (memory shrank by
 *       whole chunks) is dropped at the VM's next summary; a VM without any scan for the TTL is
 *       dropped whole. Dropped chunks get a PAGE_HEAT tombstone.</li>
 * </ul>
 */
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
     * Adds the heat processor of the configured source, with its stores, under that source's decoder (which must forward to {@link #HEAT}:
     * {@link #scanConsumers} / {@link #sampleConsumers}).
     */
    public static void addHeat(Topology topology, HeatConfig config, TumblingWindows windows, TopologySerdes serdes,
                               String scansDecoder, String samplesDecoder) {
        if (config.source() == HeatConfig.Source.SCANS) {
            topology.addProcessor(HEAT, withStores(() -> new ScanHeatProcessor(new HeatChunks(config, windows)),
                    HeatStores.shared(config)), scansDecoder);
        } else {
            topology.addProcessor(HEAT, withStores(() -> new SampleHeatProcessor(new HeatChunks(config, windows)),
                    HeatStores.withSamplePeriods(config)), samplesDecoder);
        }
        topology.addSink(PAGE_HEAT_SINK, Topic.PAGE_HEAT.topicName(), new StringSerializer(),
                serdes.value(PageHeatChunk.class).serializer(), HEAT);
        topology.addSink(HEAT_CHANGES_SINK, Topic.HEAT_CHANGES.topicName(), new StringSerializer(),
                serdes.value(HeatChange.class).serializer(), HEAT);
        topology.addSink(HEAT_SUMMARY_SINK, Topic.HEAT_SUMMARY.topicName(), new StringSerializer(),
                serdes.value(HeatSummary.class).serializer(), HEAT);
    }

    /** A processor with the stores it uses, which Kafka Streams then adds and connects (ConnectedStoreProvider). */
    private static <V> ProcessorSupplier<String, V, Object, Object> withStores(
            Supplier<Processor<String, V, Object, Object>> processor, Set<StoreBuilder<?>> stores) {
        return new ProcessorSupplier<>() {
            @Override
            public Processor<String, V, Object, Object> get() {
                return processor.get();
            }

            @Override
            public Set<StoreBuilder<?>> stores() {
                return stores;
            }
        };
    }
}
