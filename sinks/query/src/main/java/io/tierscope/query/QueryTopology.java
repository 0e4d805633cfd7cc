package io.tierscope.query;

import io.tierscope.avro.CurveKind;
import io.tierscope.avro.HeatSummary;
import io.tierscope.avro.HostAllocation;
import io.tierscope.avro.IngestStats;
import io.tierscope.avro.MissRatioCurve;
import io.tierscope.avro.PageHeatChunk;
import io.tierscope.avro.TieringPlan;
import io.tierscope.schemas.serde.AvroSerdes;
import io.tierscope.schemas.serde.SerdeConfig;
import io.tierscope.topics.Topic;
import java.time.Duration;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.state.Stores;

/**
 * The query service's topology: it only materialises what the Tierscope topology (and the
 * planner) publish, into stores that interactive queries read. Every per-VM store is partitioned
 * by vmId with Kafka's default partitioner, so {@code queryMetadataForKey(store, vmId)} names the
 * instance that holds everything about one VM; per-host stores are keyed by host.
 */
public final class QueryTopology {
    /** Newest long-horizon curve per VM (from the compacted MRC topic). */
    public static final String MRC_LATEST = "mrc-latest";
    /** Per-window curves per VM, by window start (window store). */
    public static final String MRC_HISTORY = "mrc-history";
    /** Newest heat states of every chunk, key {@link io.tierscope.streams.heat.ChunkKeys#storeKey}. */
    public static final String HEAT_CHUNKS = "heat-chunks";
    /** Per VM, per published chunk record: its intensity profile at the record's time (window store, duplicates kept). */
    public static final String HEAT_TIMELINE = "heat-timeline";
    /** Newest heat summary per VM. */
    public static final String HEAT_SUMMARY = "heat-summary";
    /** Newest ingest stats per VM. */
    public static final String INGEST = "ingest-stats";
    /** Newest fast-memory split per host. */
    public static final String ALLOCATIONS = "allocations";
    /** Newest tiering plan per host. */
    public static final String PLANS = "plans";

    /** Stores keyed by vmId (routing by VM). */
    public static final List<String> VM_STORES = List.of(MRC_LATEST, MRC_HISTORY, HEAT_CHUNKS, HEAT_TIMELINE, HEAT_SUMMARY, INGEST);

    private QueryTopology() {
    }

    /**
     * @param historyRetention how long per-window curves and heat profiles are kept
     */
    public static Topology build(String schemaRegistryUrl, Duration historyRetention) {
        return build(Map.of(SerdeConfig.SCHEMA_REGISTRY_URL, schemaRegistryUrl), historyRetention);
    }

    /** The topology with serdes configured by {@code serdeConfig} (registry URL and credentials, see {@link SerdeConfig}). */
    public static Topology build(Map<String, ?> serdeConfig, Duration historyRetention) {
        StreamsBuilder builder = new StreamsBuilder();
        Serde<String> keys = Serdes.String();
        Serde<MissRatioCurve> curves = serde(MissRatioCurve.class, serdeConfig);
        Serde<PageHeatChunk> chunks = serde(PageHeatChunk.class, serdeConfig);
        Serde<HeatSummary> summaries = serde(HeatSummary.class, serdeConfig);
        Serde<IngestStats> ingest = serde(IngestStats.class, serdeConfig);
        Serde<HostAllocation> allocations = serde(HostAllocation.class, serdeConfig);
        Serde<TieringPlan> plans = serde(TieringPlan.class, serdeConfig);

        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(MRC_LATEST), keys, curves));
        builder.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(MRC_HISTORY, historyRetention, Duration.ofMillis(1), false), keys, curves));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(HEAT_CHUNKS), keys, chunks));
        builder.addStateStore(Stores.windowStoreBuilder(
                Stores.persistentWindowStore(HEAT_TIMELINE, historyRetention, Duration.ofMillis(1), true), keys, Serdes.ByteArray()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(HEAT_SUMMARY), keys, summaries));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(INGEST), keys, ingest));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ALLOCATIONS), keys, allocations));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(PLANS), keys, plans));

        // Every per-VM processor names every per-VM store: Kafka Streams then puts them in one
        // sub-topology, so partition p of all of them is one task on one instance, and the owner of a
        // VM's key in any of these stores holds all there is about the VM.
        String[] vmStores = VM_STORES.toArray(String[]::new);
        builder.stream(Topic.MRC_LATEST.topicName(), Consumed.with(keys, curves))
                .process(() -> new PutLatest<String, MissRatioCurve>(MRC_LATEST), vmStores);
        builder.stream(Topic.MRC_HISTORY.topicName(), Consumed.with(keys, curves))
                .filter((vm, curve) -> curve != null && curve.getKind() == CurveKind.WINDOW)
                .process(MrcHistoryWriter::new, vmStores);
        builder.stream(Topic.HEAT_SUMMARY.topicName(), Consumed.with(keys, summaries))
                .process(() -> new PutLatest<String, HeatSummary>(HEAT_SUMMARY), vmStores);
        builder.stream(Topic.INGEST_STATS.topicName(), Consumed.with(keys, ingest))
                .process(() -> new PutLatest<String, IngestStats>(INGEST), vmStores);
        // Page heat is keyed vmId#chunk; re-partition it by vmId so one task holds all of a VM's chunks.
        builder.stream(Topic.PAGE_HEAT.topicName(), Consumed.with(keys, chunks))
                .repartition(Repartitioned.with(keys, chunks).withName("heat-by-vm").withStreamPartitioner(new ByVm()))
                .process(HeatIndexer::new, vmStores);

        String[] hostStores = {ALLOCATIONS, PLANS};
        builder.stream(Topic.ALLOCATIONS.topicName(), Consumed.with(keys, allocations))
                .process(() -> new PutLatest<String, HostAllocation>(ALLOCATIONS), hostStores);
        builder.stream(Topic.TIERING_PLANS.topicName(), Consumed.with(keys, plans))
                .process(() -> new PutLatest<String, TieringPlan>(PLANS), hostStores);
        return builder.build();
    }

    /** The VM of a PAGE_HEAT key "vmId#chunkIndex" (VM ids may hold '#'; chunk indexes do not). */
    public static String vmOfChunkKey(String key) {
        int hash = key.lastIndexOf('#');
        if (hash <= 0) {
            throw new IllegalArgumentException("page heat key '" + key + "' is not vmId#chunkIndex");
        }
        return key.substring(0, hash);
    }

    /** The partition Kafka's default partitioner gives a String key: where records keyed by this VM live. */
    public static int partitionOf(String vmId, int partitions) {
        return Utils.toPositive(Utils.murmur2(vmId.getBytes(java.nio.charset.StandardCharsets.UTF_8))) % partitions;
    }

    private static <T extends SpecificRecord> Serde<T> serde(Class<T> type, Map<String, ?> serdeConfig) {
        return AvroSerdes.valueSerde(type, serdeConfig);
    }

    /** Partitions page-heat records by the VM in their key, like every other per-VM topic. */
    static final class ByVm implements StreamPartitioner<String, PageHeatChunk> {
        @Override
        public Optional<Set<Integer>> partitions(String topic, String key, PageHeatChunk value, int numPartitions) {
            if (key == null) {
                return Optional.empty();
            }
            return Optional.of(Set.of(partitionOf(vmOfChunkKey(key), numPartitions)));
        }
    }
}
