package io.tierscope.planner.topology;

import io.tierscope.avro.HostAllocation;
import io.tierscope.avro.HostInventory;
import io.tierscope.avro.NodeWorkingSets;
import io.tierscope.avro.TieringPlan;
import io.tierscope.avro.VmInventory;
import io.tierscope.planner.PlannerConfig;
import io.tierscope.streams.TopologySerdes;
import io.tierscope.topics.Topic;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The planner as a pure function of its configuration. Inputs are keyed by VM (curves) or VM chunk
 * (heat, placement), plans by host, and only the inventory knows which VM runs where; so:
 * <pre>
 *  inventory (key host) ──┬─ one HOME per VM (key vmId) ─┐
 *                         │                              ├─► repartition by vmId ─► vm-router [homes, newest inputs]
 *  mrc latest (vmId) ─────┼──────────────────────────────┤        │ each input to its VM's host (all of them when the home changes)
 *  page heat (vm#chunk) ──┼─ re-keyed by vmId ───────────┤        ▼
 *  placement (vm#chunk) ──┼─ re-keyed by vmId ───────────┘   repartition by host ─► host-planner [inventory, inputs, period]
 *                         └─ the inventory itself (key host) ─────►┘                    ├─► allocations (compacted)
 *                                                                                      ├─► tiering plans
 *                                                                                      ├─► node working sets (key vmId)
 *                                                                                      └─► dead letter
 * </pre>
 * Both stages are co-partitioned by construction (each reads one repartition topic), and both
 * keep their state in changelogged stores; values travel as the bytes of their own topic.
 */
public final class PlannerTopology {
    private static final Logger LOG = LoggerFactory.getLogger(PlannerTopology.class);
    public static final String BY_VM = "planner-by-vm";
    public static final String BY_HOST = "planner-by-host";

    private PlannerTopology() {
    }

    public static Topology build(PlannerConfig config, TopologySerdes registry) {
        PlannerSerdes serdes = PlannerSerdes.of(registry);
        Serde<HostInput> inputSerde = HostInput.serde();
        StreamsBuilder builder = new StreamsBuilder();
        Consumed<String, byte[]> raw = Consumed.with(Serdes.String(), Serdes.ByteArray());

        KStream<String, byte[]> inventory = builder.stream(Topic.INVENTORY.topicName(), raw.withName("inventory-source"));
        KStream<String, HostInput> homes = inventory
                .flatMap((host, value) -> homes(host, value, serdes), Named.as("inventory-homes"));
        KStream<String, HostInput> inventoryByHost = inventory
                .mapValues((host, value) -> new HostInput(HostInput.Kind.INVENTORY, host, value), Named.as("inventory-input"));
        KStream<String, HostInput> curves = builder.stream(Topic.MRC_LATEST.topicName(), raw.withName("mrc-source"))
                .map((vm, value) -> KeyValue.pair(vm, new HostInput(HostInput.Kind.MRC, vm, value)), Named.as("mrc-input"));
        KStream<String, HostInput> heat = chunkInputs(builder, Topic.PAGE_HEAT, HostInput.Kind.HEAT, raw, "heat");
        KStream<String, HostInput> placement = chunkInputs(builder, Topic.PLACEMENT, HostInput.Kind.PLACEMENT, raw, "placement");

        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(VmRouter.HOMES_STORE),
                Serdes.String(), Serdes.String()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(VmRouter.INPUTS_STORE),
                Serdes.String(), TimedInput.serde()));
        KStream<String, HostInput> routed = homes.merge(curves, Named.as("merge-curves"))
                .merge(heat, Named.as("merge-heat")).merge(placement, Named.as("merge-placement"))
                .filter((vm, in) -> vm != null, Named.as("vm-keyed"))
                .repartition(Repartitioned.with(Serdes.String(), inputSerde).withName(BY_VM))
                .process(VmRouter::new, Named.as("vm-router"), VmRouter.HOMES_STORE, VmRouter.INPUTS_STORE);

        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(HostPlanner.INVENTORY_STORE),
                Serdes.String(), inputSerde));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(HostPlanner.INPUTS_STORE),
                Serdes.String(), inputSerde));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(HostPlanner.PERIOD_STORE),
                Serdes.String(), Serdes.Long()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(HostPlanner.SCORES_STORE),
                Serdes.String(), Serdes.ByteArray()));
        KStream<String, PlannerOutput> outputs = routed.merge(inventoryByHost.filter((host, in) -> host != null), Named.as("merge-inventory"))
                .repartition(Repartitioned.with(Serdes.String(), inputSerde).withName(BY_HOST))
                .process(() -> new HostPlanner(config, serdes), Named.as("host-planner"),
                        HostPlanner.INVENTORY_STORE, HostPlanner.INPUTS_STORE, HostPlanner.PERIOD_STORE,
                        HostPlanner.SCORES_STORE);

        outputs.split(Named.as("output-"))
                .branch((host, out) -> out.topic() == Topic.ALLOCATIONS, Branched.withConsumer(s -> s
                        .mapValues(out -> (HostAllocation) out.value(), Named.as("allocation-value"))
                        .to(Topic.ALLOCATIONS.topicName(), Produced.with(Serdes.String(), serdes.allocation())
                                .withName("allocations-sink")), "allocations"))
                .branch((host, out) -> out.topic() == Topic.TIERING_PLANS, Branched.withConsumer(s -> s
                        .mapValues(out -> (TieringPlan) out.value(), Named.as("plan-value"))
                        .to(Topic.TIERING_PLANS.topicName(), Produced.with(Serdes.String(), serdes.plan())
                                .withName("plans-sink")), "plans"))
                .branch((vm, out) -> out.topic() == Topic.NODE_WORKING_SETS, Branched.withConsumer(s -> s
                        .mapValues(out -> (NodeWorkingSets) out.value(), Named.as("working-sets-value"))
                        .to(Topic.NODE_WORKING_SETS.topicName(), Produced.with(Serdes.String(), serdes.workingSets())
                                .withName("working-sets-sink")), "working-sets"))
                .branch((key, out) -> out.topic() == Topic.DEAD_LETTER, Branched.withConsumer(s -> s
                        .mapValues(PlannerOutput::rejectedBytes, Named.as("rejected-bytes"))
                        .to(Topic.DEAD_LETTER.topicName(), Produced.with(Serdes.String(), Serdes.ByteArray())
                                .withName("dead-letter-sink")), "dead-letters"));
        return builder.build();
    }

    /** Heat or placement keyed "vmId#chunk", re-keyed by vmId. */
    private static KStream<String, HostInput> chunkInputs(StreamsBuilder builder, Topic topic, HostInput.Kind kind,
                                                          Consumed<String, byte[]> raw, String name) {
        return builder.stream(topic.topicName(), raw.withName(name + "-source"))
                .filter((key, value) -> key != null, Named.as(name + "-keyed"))
                .map((key, value) -> {
                    HostInput in = new HostInput(kind, key, value);
                    return KeyValue.pair(in.vmId(), in);
                }, Named.as(name + "-input"));
    }

    /** One HOME per VM of an inventory record; none for a tombstone or a record that does not decode. */
    private static List<KeyValue<String, HostInput>> homes(String host, byte[] value, PlannerSerdes serdes) {
        List<KeyValue<String, HostInput>> out = new ArrayList<>();
        if (host == null || value == null) {
            return out;
        }
        HostInventory inv;
        try {
            inv = serdes.inventory().deserializer().deserialize(Topic.INVENTORY.topicName(), value);
        } catch (RuntimeException e) {
            LOG.debug("inventory of {} does not decode; the host stage rejects it", host, e);
            return out;
        }
        for (VmInventory vm : inv.getVms()) {
            out.add(KeyValue.pair(vm.getVmId(), HostInput.home(vm.getVmId(), host)));
        }
        return out;
    }
}
