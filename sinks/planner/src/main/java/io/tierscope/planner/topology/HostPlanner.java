package io.tierscope.planner.topology;

import io.tierscope.avro.HostInventory;
import io.tierscope.avro.MissRatioCurve;
import io.tierscope.avro.PageHeatChunk;
import io.tierscope.avro.PagePlacement;
import io.tierscope.avro.VmInventory;
import io.tierscope.planner.HostPlanMaker;
import io.tierscope.planner.PlannerConfig;
import io.tierscope.planner.VmInputs;
import io.tierscope.planner.inventory.InventorySpec;
import io.tierscope.topics.DeadLetter;
import io.tierscope.topics.Topic;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host stage (records keyed by host): keeps each host's inventory and its VMs' newest inputs,
 * and when the host's event time (that of its VMs' measurements) enters a new planning period,
 * plans the period that ended, once:
 * the plan id is host#periodStart and the period is remembered in a changelogged store, so a
 * restart neither repeats nor skips it. The plan is a pure function of the stored inputs
 * ({@link HostPlanMaker}); no wall clock, no hash order.
 */
final class HostPlanner implements Processor<String, HostInput, String, PlannerOutput> {
    private static final Logger LOG = LoggerFactory.getLogger(HostPlanner.class);
    static final String INVENTORY_STORE = "planner-host-inventory";
    static final String INPUTS_STORE = "planner-host-inputs";
    static final String PERIOD_STORE = "planner-host-period";
    /** Per host, VM and chunk of the planner's page arrays: the pages' heat scores (one byte each; absent = all 0). */
    static final String SCORES_STORE = "planner-host-heat-scores";
    static final String REJECTED_BY = "planner/host-planner";

    private final PlannerConfig config;
    private final HostPlanMaker planMaker;
    private final Deserializer<HostInventory> inventoryDecoder;
    private final Deserializer<MissRatioCurve> curveDecoder;
    private final Deserializer<PageHeatChunk> heatDecoder;
    private final Deserializer<PagePlacement> placementDecoder;
    private ProcessorContext<String, PlannerOutput> context;
    private KeyValueStore<String, HostInput> inventories;
    private KeyValueStore<String, HostInput> inputs;
    private KeyValueStore<String, Long> periods;
    private KeyValueStore<String, byte[]> heatScores;
    /** Decoded inventories, a cache of the inventory store (refilled on demand after a restart). */
    private final Map<String, HostInventory> decoded = new HashMap<>();

    HostPlanner(PlannerConfig config, PlannerSerdes serdes) {
        this.config = config;
        this.planMaker = new HostPlanMaker(config);
        this.inventoryDecoder = serdes.inventory().deserializer();
        this.curveDecoder = serdes.curve().deserializer();
        this.heatDecoder = serdes.heat().deserializer();
        this.placementDecoder = serdes.placement().deserializer();
    }

    @Override
    public void init(ProcessorContext<String, PlannerOutput> context) {
        this.context = context;
        this.inventories = context.getStateStore(INVENTORY_STORE);
        this.inputs = context.getStateStore(INPUTS_STORE);
        this.periods = context.getStateStore(PERIOD_STORE);
        this.heatScores = context.getStateStore(SCORES_STORE);
    }

    @Override
    public void process(Record<String, HostInput> record) {
        String host = record.key();
        HostInput in = record.value();
        if (host == null || in == null) {
            return;
        }
        if (in.kind() == HostInput.Kind.INVENTORY) {
            applyInventory(host, in, record);
        } else if (hosts(host, in.vmId())) {
            advancePeriod(host, record.timestamp());
            applyVmInput(host, in, record);
        } // else the VM left this host (or the host its inventory): its inputs go to its new host
    }

    /**
     * Measurements (curves, heat, placement) drive the host's event time: the first one past the
     * open period's end plus the grace closes it, and it is planned from the newest inputs then. The inventory does not: it is configuration,
     * stamped with when it was written, and would otherwise close periods of a replayed past.
     */
    private void advancePeriod(String host, long timeMs) {
        Long open = periods.get(host);
        if (open == null) {
            periods.put(host, config.periodStart(timeMs));
            return;
        }
        long grace = config.grace().toMillis();
        if (timeMs >= open + config.period().toMillis() + grace) {
            planPeriod(host, open);
            periods.put(host, config.periodStart(timeMs - grace)); // periods without measurements are skipped
        }
    }

    private void applyInventory(String host, HostInput in, Record<String, HostInput> record) {
        if (in.tombstone()) {
            inventories.delete(host);
            deleteInputs(host, null);
            periods.delete(host);
            context.forward(new Record<>(host, PlannerOutput.of(Topic.ALLOCATIONS, null), record.timestamp(), new RecordHeaders()));
            return;
        }
        HostInventory inventory;
        try {
            inventory = inventoryDecoder.deserialize(Topic.INVENTORY.topicName(), in.value());
            if (!inventory.getHost().equals(host)) {
                throw new IllegalArgumentException("record of host " + inventory.getHost() + " under key " + host);
            }
            InventorySpec.check(inventory);
        } catch (RuntimeException e) {
            reject(in, record, "inventory: " + e.getMessage());
            return;
        }
        inventories.put(host, in);
        List<String> listed = new ArrayList<>();
        inventory.getVms().forEach(vm -> listed.add(vm.getVmId()));
        deleteInputs(host, listed);
    }

    private void applyVmInput(String host, HostInput in, Record<String, HostInput> record) {
        String key = StoreKeys.hostInput(host, in);
        if (in.tombstone()) {
            inputs.delete(key);
            return;
        }
        String problem = check(in);
        if (problem != null) {
            reject(in, record, problem);
            return;
        }
        inputs.put(key, in);
    }

    private boolean hosts(String host, String vmId) {
        HostInventory inventory = inventory(host);
        return inventory != null && inventory.getVms().stream().anyMatch(vm -> vm.getVmId().equals(vmId));
    }

    /** Why an input cannot be planned with, or null: it must decode and belong to the VM and chunk of its key. */
    private String check(HostInput in) {
        try {
            switch (in.kind()) {
                case MRC -> {
                    MissRatioCurve c = curveDecoder.deserialize(Topic.MRC_LATEST.topicName(), in.value());
                    if (!c.getVmId().equals(in.vmId())) {
                        return "curve of VM " + c.getVmId() + " under key " + in.sourceKey();
                    }
                    HostPlanMaker.curve(c); // sizes ascending, ratios in [0, 1]
                }
                case HEAT -> {
                    PageHeatChunk h = heatDecoder.deserialize(Topic.PAGE_HEAT.topicName(), in.value());
                    if (!h.getVmId().equals(in.vmId()) || h.getChunkIndex() != in.chunkIndex()) {
                        return "heat chunk " + h.getVmId() + "#" + h.getChunkIndex() + " under key " + in.sourceKey();
                    }
                    if (h.getAccessStates().remaining() != h.getPageCount() || h.getBaseGfn() < 0) {
                        return "heat chunk " + in.sourceKey() + " has " + h.getAccessStates().remaining()
                                + " states for " + h.getPageCount() + " pages";
                    }
                    if (h.getSampledCounts() != null && h.getSampledCounts().remaining() != 2L * h.getPageCount()) {
                        return "heat chunk " + in.sourceKey() + " has " + h.getSampledCounts().remaining()
                                + " bytes of sampled counts for " + h.getPageCount() + " pages (two a page)";
                    }
                    io.tierscope.analytics.heat.HeatTable table = io.tierscope.analytics.heat.HeatTable.byName(h.getClassifier());
                    ByteBuffer states = h.getAccessStates().duplicate();
                    while (states.hasRemaining()) {
                        int s = states.get() & 0xff;
                        if (s >= table.stateCount()) {
                            return "heat chunk " + in.sourceKey() + " holds state " + s + ", not a state of " + table.name();
                        }
                    }
                }
                case PLACEMENT -> {
                    PagePlacement p = placementDecoder.deserialize(Topic.PLACEMENT.topicName(), in.value());
                    if (!p.getVmId().equals(in.vmId()) || p.getChunkIndex() != in.chunkIndex()) {
                        return "placement chunk " + p.getVmId() + "#" + p.getChunkIndex() + " under key " + in.sourceKey();
                    }
                    if (p.getNodes().remaining() != p.getPageCount() || p.getBaseGfn() < 0) {
                        return "placement chunk " + in.sourceKey() + " has " + p.getNodes().remaining()
                                + " nodes for " + p.getPageCount() + " pages";
                    }
                }
                default -> {
                    return "unexpected input kind " + in.kind();
                }
            }
            return null;
        } catch (RuntimeException e) {
            return "undecodable " + in.kind() + ": " + e.getMessage();
        }
    }

    private void planPeriod(String host, long periodStart) {
        HostInventory inventory = inventory(host);
        if (inventory == null) {
            return; // no inventory: nothing to split, no plan
        }
        Map<String, VmInputs> byVm = new LinkedHashMap<>();
        for (VmInventory vm : inventory.getVms()) {
            byVm.put(vm.getVmId(), new VmInputs(vm.getVmId(), null, new ArrayList<>(), new ArrayList<>()));
        }
        try (KeyValueIterator<String, HostInput> it = inputs.prefixScan(StoreKeys.prefix(host), new StringSerializer())) {
            while (it.hasNext()) {
                HostInput in = it.next().value;
                VmInputs vm = byVm.get(in.vmId());
                if (vm == null) {
                    continue;
                }
                switch (in.kind()) {
                    case MRC -> byVm.put(in.vmId(), new VmInputs(vm.vmId(),
                            curveDecoder.deserialize(Topic.MRC_LATEST.topicName(), in.value()), vm.heat(), vm.placement()));
                    case HEAT -> vm.heat().add(heatDecoder.deserialize(Topic.PAGE_HEAT.topicName(), in.value()));
                    case PLACEMENT -> vm.placement().add(placementDecoder.deserialize(Topic.PLACEMENT.topicName(), in.value()));
                    default -> { }
                }
            }
        }
        List<byte[][]> previousScores = new ArrayList<>();
        for (VmInventory vm : inventory.getVms()) {
            previousScores.add(loadScores(host, vm));
        }
        HostPlanMaker.HostPlan plan = planMaker.plan(inventory, new ArrayList<>(byVm.values()), previousScores, periodStart);
        for (int v = 0; v < inventory.getVms().size(); v++) {
            storeScores(host, inventory.getVms().get(v).getVmId(), previousScores.get(v), plan.heatScores().get(v));
        }
        long planTime = periodStart + config.period().toMillis();
        context.forward(new Record<>(host, PlannerOutput.of(Topic.ALLOCATIONS, plan.allocation()), planTime, new RecordHeaders()));
        context.forward(new Record<>(host, PlannerOutput.of(Topic.TIERING_PLANS, plan.plan()), planTime, new RecordHeaders()));
        for (var sets : plan.workingSets()) {
            context.forward(new Record<>(sets.getVmId(), PlannerOutput.of(Topic.NODE_WORKING_SETS, sets), planTime, new RecordHeaders()));
        }
        LOG.debug("planned {}: {}", plan.plan().getPlanId(), plan.allocation());
    }

    /** The VM's heat scores the last planned period left, one array per chunk (null: all 0). */
    private byte[][] loadScores(String host, VmInventory vm) {
        int chunks = (int) ((vm.getMemoryPages() + config.chunkPages() - 1) / config.chunkPages());
        byte[][] scores = new byte[chunks][];
        for (int c = 0; c < chunks; c++) {
            scores[c] = heatScores.get(StoreKeys.heatScores(host, vm.getVmId(), c));
        }
        return scores;
    }

    /**
     * Writes back every chunk with a score above 0 (scores cool every period, so such a chunk has
     * changed); an all-0 chunk is deleted (absent means 0), so idle memory costs neither store space
     * nor changelog traffic. {@code before} says which chunks were stored.
     */
    private void storeScores(String host, String vmId, byte[][] before, byte[][] after) {
        for (int c = 0; c < after.length; c++) {
            String key = StoreKeys.heatScores(host, vmId, c);
            if (allZero(after[c])) {
                if (before[c] != null) {
                    heatScores.delete(key);
                }
            } else {
                heatScores.put(key, after[c]);
            }
        }
    }

    private static boolean allZero(byte[] bytes) {
        for (byte b : bytes) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** Deletes the host's stored inputs, all of them (keep == null) or those of VMs not in {@code keep}. */
    private void deleteInputs(String host, List<String> keep) {
        List<String> doomed = new ArrayList<>();
        try (KeyValueIterator<String, HostInput> it = inputs.prefixScan(StoreKeys.prefix(host), new StringSerializer())) {
            while (it.hasNext()) {
                var entry = it.next();
                if (keep == null || !keep.contains(entry.value.vmId())) {
                    doomed.add(entry.key);
                }
            }
        }
        doomed.forEach(inputs::delete);
        List<String> doomedScores = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = heatScores.prefixScan(StoreKeys.prefix(host), new StringSerializer())) {
            while (it.hasNext()) {
                String key = it.next().key;
                if (keep == null || keep.stream().noneMatch(vm -> key.startsWith(StoreKeys.prefix(host) + StoreKeys.prefix(vm)))) {
                    doomedScores.add(key);
                }
            }
        }
        doomedScores.forEach(heatScores::delete);
        decoded.remove(host);
    }

    private HostInventory inventory(String host) {
        HostInventory cached = decoded.get(host);
        if (cached != null) {
            return cached;
        }
        HostInput stored = inventories.get(host);
        if (stored == null) {
            return null;
        }
        HostInventory inventory = inventoryDecoder.deserialize(Topic.INVENTORY.topicName(), stored.value());
        decoded.put(host, inventory);
        return inventory;
    }

    private void reject(HostInput in, Record<String, HostInput> record, String reason) {
        LOG.warn("rejected {} {}: {}", in.kind(), in.sourceKey(), reason);
        RecordHeaders headers = new RecordHeaders();
        headers.add(DeadLetter.REASON, reason.getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetter.SOURCE_TOPIC, sourceTopic(in.kind()).topicName().getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetter.REJECTED_BY, REJECTED_BY.getBytes(StandardCharsets.UTF_8));
        context.forward(new Record<>(in.sourceKey(), PlannerOutput.rejected(in.value()), record.timestamp(), headers));
    }

    static Topic sourceTopic(HostInput.Kind kind) {
        return switch (kind) {
            case INVENTORY, HOME -> Topic.INVENTORY;
            case MRC -> Topic.MRC_LATEST;
            case HEAT -> Topic.PAGE_HEAT;
            case PLACEMENT -> Topic.PLACEMENT;
        };
    }
}
