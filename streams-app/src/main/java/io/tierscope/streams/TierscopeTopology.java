package io.tierscope.streams;

import io.tierscope.avro.AdScan;
import io.tierscope.avro.IngestStats;
import io.tierscope.avro.MissRatioCurve;
import io.tierscope.avro.SampleBatch;
import io.tierscope.streams.decode.AdScanDeserializer;
import io.tierscope.streams.decode.BoundedKafkaTimestamp;
import io.tierscope.streams.decode.DecodeProcessor;
import io.tierscope.streams.decode.InputChecks;
import io.tierscope.streams.decode.Validator;
import io.tierscope.streams.heat.HeatScanChecks;
import io.tierscope.streams.heat.HeatTopology;
import io.tierscope.streams.ingest.IngestStatsProcessor;
import io.tierscope.streams.mrc.MrcTopology;
import io.tierscope.streams.window.TumblingWindows;
import io.tierscope.streams.window.VmWindow;
import io.tierscope.topics.Topic;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.AutoOffsetReset;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/**
 * The whole Tierscope stream topology as a pure function of its configuration. Data flow, by
 * node name: source -> decode (bad input -> dead letter) -> per-VM processors with their state
 * stores -> output topics.
 */
public final class TierscopeTopology {
    public static final String SAMPLES_SOURCE = "samples-source";
    public static final String DECODE_SAMPLES = "decode-samples";
    public static final String DEAD_LETTER_SINK = "dead-letter-sink";
    public static final String INGEST_STATS = "ingest-stats";
    public static final String INGEST_STATS_SINK = "ingest-stats-sink";
    public static final String SCANS_SOURCE = "scans-source";
    public static final String DECODE_SCANS = "decode-scans";

    private TierscopeTopology() {
    }

    public static Topology build(StreamsAppConfig config, TopologySerdes serdes) {
        Topology topology = new Topology();
        TumblingWindows windows = TumblingWindows.of(config.window(), config.grace());

        addDecoder(topology, config, serdes, Topic.RAW_SAMPLES, SAMPLES_SOURCE, DECODE_SAMPLES, serdes.inputDeserializer(SampleBatch.class),
                InputChecks::sampleBatch, SampleBatch::getEndTimeMs,
                plus(List.of(INGEST_STATS, MrcTopology.MRC), HeatTopology.sampleConsumers(config.heat())));
        addIngestStats(topology, windows, config.mrc().idleRetentionMs(), serdes.value(IngestStats.class));
        MrcTopology.addMrc(topology, config, serdes.value(MissRatioCurve.class), DECODE_SAMPLES);

        addDecoder(topology, config, serdes, Topic.AD_SCANS, SCANS_SOURCE, DECODE_SCANS,
                new AdScanDeserializer(serdes.inputDeserializer(AdScan.class)),
                new HeatScanChecks(config.heat().chunkPages()), AdScan::getTimeMs, HeatTopology.scanConsumers(config.heat()));
        HeatTopology.addHeat(topology, config.heat(), windows, serdes, DECODE_SCANS, DECODE_SAMPLES);

        topology.addSink(DEAD_LETTER_SINK, Topic.DEAD_LETTER.topicName(), new ByteArraySerializer(),
                new ByteArraySerializer(), DECODE_SAMPLES, DECODE_SCANS);
        return topology;
    }

    private static List<String> plus(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** source(topic, raw bytes) -> decode -> each of {@code consumers}; rejects -> {@link #DEAD_LETTER_SINK}. */
    static <T> void addDecoder(Topology topology, StreamsAppConfig config, TopologySerdes serdes, Topic topic, String sourceName, String decodeName, Deserializer<T> deserializer,
                               Validator<T> checks, DecodeProcessor.EventTime<T> eventTime, List<String> consumers) {
        topology.addSource((AutoOffsetReset) null /* the consumer's setting */, sourceName,
                new BoundedKafkaTimestamp(config.input()), new ByteArrayDeserializer(), new ByteArrayDeserializer(),
                topic.topicName());
        topology.addProcessor(decodeName, () -> new DecodeProcessor<>(deserializer, checks, eventTime,
                consumers, DEAD_LETTER_SINK, "streams-app/" + decodeName, config.input(), serdes.registryWait()), sourceName);
    }

    private static void addIngestStats(Topology topology, TumblingWindows windows, long idleRetentionMs,
                                       Serde<IngestStats> ingestSerde) {
        topology.addProcessor(INGEST_STATS, () -> new IngestStatsProcessor(windows, idleRetentionMs), DECODE_SAMPLES);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(IngestStatsProcessor.OPEN_WINDOWS_STORE), Serdes.String(), ingestSerde),
                INGEST_STATS);
        topology.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(IngestStatsProcessor.PROGRESS_STORE), Serdes.String(), VmWindow.serde()),
                INGEST_STATS);
        topology.addSink(INGEST_STATS_SINK, Topic.INGEST_STATS.topicName(), new StringSerializer(),
                ingestSerde.serializer(), INGEST_STATS);
    }
}
