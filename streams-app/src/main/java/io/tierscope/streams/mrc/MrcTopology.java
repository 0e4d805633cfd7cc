package io.tierscope.streams.mrc;

import io.tierscope.avro.MissRatioCurve;
import io.tierscope.avro.MrcAudit;
import io.tierscope.streams.StreamsAppConfig;
import io.tierscope.streams.state.SnapshotOnCommitStore;
import io.tierscope.streams.window.TumblingWindows;
import io.tierscope.streams.window.VmWindow;
import io.tierscope.topics.Topic;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.Stores;

/** The MRC branch of the topology: decoded samples -> {@link MrcProcessor} (+ its stores) -> MRC history and latest. */
public final class MrcTopology {
    public static final String MRC = "mrc";
    public static final String MRC_HISTORY_SINK = "mrc-history-sink";
    public static final String MRC_LATEST_SINK = "mrc-latest-sink";
    public static final String MRC_AUDIT_SINK = "mrc-audit-sink";

    private MrcTopology() {
    }

    /** Adds the MRC processor as a child of {@code parent} (which forwards vmId -> SampleBatch with event time). */
    public static void addMrc(Topology topology, StreamsAppConfig config, Serde<MissRatioCurve> curveSerde,
                              Serde<MrcAudit> auditSerde, String parent) {
        TumblingWindows windows = TumblingWindows.of(config.window(), config.grace());
        topology.addProcessor(MRC, () -> new MrcProcessor(config.mrc(), windows, config.accessFilter(),
                config.accessMask(), MRC_HISTORY_SINK, MRC_LATEST_SINK, MRC_AUDIT_SINK), parent);
        // Live engines whose snapshots are written once per commit (SnapshotOnCommitStore): no record cache
        // under them, which would only copy each snapshot once more before the changelog.
        topology.addStateStore(SnapshotOnCommitStore.builder(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(MrcProcessor.ENGINES_STORE), Serdes.String(), Serdes.ByteArray())
                .withCachingDisabled(), MrcProcessor.engineCodec(config.mrc()), config.mrc().cachedEngines()), MRC);
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(MrcProcessor.WINDOWS_STORE),
                Serdes.String(), VmWindow.serde()).withCachingEnabled(), MRC);
        // The audit's exact engines (empty unless tierscope.mrc.audit names VMs).
        topology.addStateStore(SnapshotOnCommitStore.builder(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(MrcAuditor.STORE), Serdes.String(), Serdes.ByteArray())
                .withCachingDisabled(), MrcAuditor.codec(config.mrc()), config.mrc().cachedEngines()), MRC);
        topology.addSink(MRC_HISTORY_SINK, Topic.MRC_HISTORY.topicName(), new StringSerializer(),
                curveSerde.serializer(), MRC);
        topology.addSink(MRC_LATEST_SINK, Topic.MRC_LATEST.topicName(), new StringSerializer(),
                curveSerde.serializer(), MRC);
        topology.addSink(MRC_AUDIT_SINK, Topic.MRC_AUDIT.topicName(), new StringSerializer(),
                auditSerde.serializer(), MRC);
    }
}
