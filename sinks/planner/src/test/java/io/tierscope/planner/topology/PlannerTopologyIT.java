package io.tierscope.planner.topology;

import static io.tierscope.planner.PlannerRecords.FRIGID;
import static io.tierscope.planner.PlannerRecords.SIZZLE;
import static io.tierscope.planner.PlannerRecords.WARM;
import static io.tierscope.planner.PlannerRecords.counted;
import static io.tierscope.planner.PlannerRecords.curve;
import static io.tierscope.planner.PlannerRecords.heat;
import static io.tierscope.planner.PlannerRecords.inventory;
import static io.tierscope.planner.PlannerRecords.nodes;
import static io.tierscope.planner.PlannerRecords.placement;
import static io.tierscope.planner.PlannerRecords.states;
import static io.tierscope.planner.PlannerRecords.vm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.avro.HostAllocation;
import io.tierscope.avro.HostInventory;
import io.tierscope.avro.MissRatioCurve;
import io.tierscope.avro.NodeWorkingSets;
import io.tierscope.avro.PageHeatChunk;
import io.tierscope.avro.PagePlacement;
import io.tierscope.avro.TieringPlan;
import io.tierscope.avro.VmAllocation;
import io.tierscope.avro.VmPlan;
import io.tierscope.planner.PlannerConfig;
import io.tierscope.platform.Platform;
import io.tierscope.platform.testing.PlatformExtension;
import io.tierscope.schemas.serde.SchemaRegistryClient;
import io.tierscope.schemas.serde.SpecificAvroDeserializer;
import io.tierscope.schemas.serde.SpecificAvroSerializer;
import io.tierscope.streams.TopologySerdes;
import io.tierscope.topics.DeadLetter;
import io.tierscope.topics.Topic;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The planner topology in TopologyTestDriver with the real registry. */
@ExtendWith(PlatformExtension.class)
class PlannerTopologyIT {
    private static final long P = 60_000;
    private static final int CHUNK = 256;
    private static final PlannerConfig CONFIG = PlannerConfig.from(Map.of(
            PlannerConfig.PERIOD_MS, Long.toString(P), PlannerConfig.GRACE_MS, "0", PlannerConfig.STEP_PAGES, "8", PlannerConfig.CHUNK_PAGES, "256"));

    @TempDir
    Path tmp;
    private String registryUrl;
    private SpecificAvroSerializer<SpecificRecord> serializer;
    private SchemaRegistryClient registry;
    private final List<TopologyTestDriver> drivers = new ArrayList<>();

    @BeforeEach
    void setUp(Platform platform) {
        registryUrl = platform.schemaRegistryUrl();
        registry = new SchemaRegistryClient(registryUrl, 5000);
        serializer = new SpecificAvroSerializer<>(registry, true);
    }

    @AfterEach
    void tearDown() {
        drivers.forEach(TopologyTestDriver::close);
    }

    /** One instance of the planner on its own state dir. */
    private final class Run {
        final TopologyTestDriver driver;
        final Map<Topic, TestInputTopic<String, byte[]>> in = new java.util.EnumMap<>(Topic.class);
        final TestOutputTopic<String, TieringPlan> plans;
        final TestOutputTopic<String, HostAllocation> allocations;
        final TestOutputTopic<String, byte[]> deadLetters;
        final TestOutputTopic<String, NodeWorkingSets> workingSets;

        Run(String name) {
            Properties props = new Properties();
            props.put(StreamsConfig.APPLICATION_ID_CONFIG, "planner-test");
            props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
            props.put(StreamsConfig.STATE_DIR_CONFIG, tmp.resolve(name).toString());
            driver = new TopologyTestDriver(PlannerTopology.build(CONFIG, new TopologySerdes(registryUrl)), props);
            drivers.add(driver);
            for (Topic t : List.of(Topic.INVENTORY, Topic.MRC_LATEST, Topic.PAGE_HEAT, Topic.PLACEMENT)) {
                in.put(t, driver.createInputTopic(t.topicName(), new StringSerializer(), new ByteArraySerializer()));
            }
            plans = driver.createOutputTopic(Topic.TIERING_PLANS.topicName(), new StringDeserializer(),
                    new SpecificAvroDeserializer<>(TieringPlan.class, registry));
            allocations = driver.createOutputTopic(Topic.ALLOCATIONS.topicName(), new StringDeserializer(),
                    new SpecificAvroDeserializer<>(HostAllocation.class, registry));
            workingSets = driver.createOutputTopic(Topic.NODE_WORKING_SETS.topicName(), new StringDeserializer(),
                    new SpecificAvroDeserializer<>(NodeWorkingSets.class, registry));
            deadLetters = driver.createOutputTopic(Topic.DEAD_LETTER.topicName(), new StringDeserializer(), new ByteArrayDeserializer());
        }

        void send(Topic topic, String key, SpecificRecord value, long timeMs) {
            in.get(topic).pipeInput(key, value == null ? null : serializer.serialize(topic.topicName(), value), timeMs);
        }

        void inventory(HostInventory inv, long t) {
            send(Topic.INVENTORY, inv.getHost(), inv, t);
        }

        void curve(MissRatioCurve c, long t) {
            send(Topic.MRC_LATEST, c.getVmId(), c, t);
        }

        void heat(PageHeatChunk h, long t) {
            send(Topic.PAGE_HEAT, h.getVmId() + "#" + h.getChunkIndex(), h, t);
        }

        void placement(PagePlacement p, long t) {
            send(Topic.PLACEMENT, p.getVmId() + "#" + p.getChunkIndex(), p, t);
        }

        /** A measurement of one of the host's VMs at {@code t} (a tombstone of a chunk it lacks): closes earlier periods. */
        void tick(String host, long t) {
            send(Topic.PLACEMENT, lastInventory.get(host).getVms().get(0).getVmId() + "#999999", null, t);
        }

        final Map<String, HostInventory> lastInventory = new java.util.HashMap<>();
    }

    /** Host h1: 600 fast pages, three VMs of 512 pages with different curves and heat. */
    private void threeVms(Run run, long t, long budget) {
        HostInventory inv = inventory("h1", 600, budget, vm("steep", 512), vm("gentle", 512), vm("flat", 512));
        run.lastInventory.put("h1", inv);
        run.inventory(inv, t);
        run.curve(curve("steep", 1000, 0, 1.0, 400, 0.05, 512, 0.05), t + 1);
        run.curve(curve("gentle", 1000, 0, 1.0, 512, 0.7), t + 2);
        run.curve(curve("flat", 1000, 0, 1.0, 512, 0.98), t + 3);
        // steep: pages 0..99 sizzle, 100..399 warm; the others warm on their first 300 pages
        run.heat(heat("steep", 0, CHUNK, combine(states(CHUNK, 0, 100, SIZZLE), states(CHUNK, 100, CHUNK, WARM))), t + 4);
        run.heat(heat("steep", 1, CHUNK, states(CHUNK, 0, 144, WARM)), t + 5);
        run.heat(heat("gentle", 0, CHUNK, states(CHUNK, 0, CHUNK, WARM)), t + 6);
        run.heat(heat("flat", 0, CHUNK, states(CHUNK, 0, CHUNK, WARM)), t + 7);
    }

    private static byte[] combine(byte[] a, byte[] b) {
        byte[] out = a.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Math.max(a[i], b[i]);
        }
        return out;
    }

    private static VmAllocation alloc(HostAllocation a, String vm) {
        return a.getVms().stream().filter(v -> v.getVmId().equals(vm)).findFirst().orElseThrow();
    }

    private static VmPlan plan(TieringPlan p, String vm) {
        return p.getVms().stream().filter(v -> v.getVmId().equals(vm)).findFirst().orElseThrow();
    }

    @Test
    void fastMemoryGoesToTheSteepestCurveAndItsHottestPagesArePromotedFirst() {
        Run run = new Run("gain");
        threeVms(run, 10_000, 1_000_000);
        assertTrue(run.plans.isEmpty(), "no plan before the period ends");
        run.tick("h1", P + 1);

        TestRecord<String, TieringPlan> planRecord = run.plans.readRecord();
        TieringPlan plan = planRecord.value();
        assertEquals("h1", planRecord.key());
        assertEquals("h1#0", plan.getPlanId());
        assertEquals(P, planRecord.timestamp(), "a plan is stamped with its period's end");
        HostAllocation allocation = run.allocations.readValue();
        assertEquals("h1#0", allocation.getPlanId());
        assertTrue(alloc(allocation, "steep").getFastPages() >= 400, "steep curve gets its 400-page knee: " + allocation);
        assertTrue(alloc(allocation, "gentle").getFastPages() > alloc(allocation, "flat").getFastPages());
        assertEquals(600, allocation.getVms().stream().mapToLong(VmAllocation::getFastPages).sum());
        assertTrue(alloc(allocation, "steep").getMissRatioAfter() < alloc(allocation, "steep").getMissRatioBefore());

        List<Long> promoted = plan(plan, "steep").getPromote();
        assertTrue(promoted.size() >= 400);
        Set<Long> first100 = new HashSet<>(promoted.subList(0, 100));
        for (long gfn = 0; gfn < 100; gfn++) {
            assertTrue(first100.contains(gfn), "sizzle page " + gfn + " among the first 100 promotions");
        }
        for (VmPlan vm : plan.getVms()) {
            assertEquals(alloc(allocation, vm.getVmId()).getFastPages(), vm.getFastPages());
            assertTrue(vm.getDemote().isEmpty(), "nothing is fast yet (no placement: slow)");
            assertTrue(vm.getPromote().size() <= vm.getFastPages());
            assertTrue(vm.getPid() > 0);
        }
    }

    @Test
    void budgetCapsThePagesMovedAndTheRestIsDeferred() {
        Run run = new Run("budget");
        threeVms(run, 10_000, 5); // 5 pages/s x 60 s = 300 pages per period
        run.tick("h1", P + 1);
        TieringPlan plan = run.plans.readValue();
        assertEquals(300, plan.getMigrationBudgetPages());
        long moved = plan.getVms().stream().mapToLong(v -> v.getPromote().size() + v.getDemote().size()).sum();
        long deferred = plan.getVms().stream().mapToLong(VmPlan::getDeferredPages).sum();
        assertEquals(300, moved);
        assertTrue(deferred >= 300, "600 wanted, 300 deferred at least, got " + deferred);
    }

    @Test
    void onePlanPerHostPerPeriodAndSameInputsGiveTheSamePlan() {
        Run a = new Run("once-a");
        threeVms(a, 10_000, 1_000_000);
        a.tick("h1", P + 5);
        a.tick("h1", P + 50_000); // same period: no plan
        a.heat(heat("gentle", 1, CHUNK, states(CHUNK, 0, CHUNK, SIZZLE)), 20_000); // late: no plan
        a.tick("h1", 2 * P + 1);
        a.tick("h1", 5 * P + 1); // empty periods in between are not planned
        List<String> ids = new ArrayList<>();
        List<TieringPlan> plansA = new ArrayList<>();
        a.plans.readValuesToList().forEach(p -> {
            ids.add(p.getPlanId());
            plansA.add(p);
        });
        assertEquals(List.of("h1#0", "h1#60000", "h1#120000"), ids);
        assertEquals(3, a.allocations.readValuesToList().size());

        // The same inputs, VMs' records in another order, on another instance: the same first plan.
        Run b = new Run("once-b");
        HostInventory inv = a.lastInventory.get("h1");
        b.lastInventory.put("h1", inv);
        b.inventory(inv, 10_000);
        b.heat(heat("flat", 0, CHUNK, states(CHUNK, 0, CHUNK, WARM)), 10_001);
        b.heat(heat("gentle", 0, CHUNK, states(CHUNK, 0, CHUNK, WARM)), 10_002);
        b.heat(heat("steep", 1, CHUNK, states(CHUNK, 0, 144, WARM)), 10_003);
        b.heat(heat("steep", 0, CHUNK, combine(states(CHUNK, 0, 100, SIZZLE), states(CHUNK, 100, CHUNK, WARM))), 10_004);
        b.curve(curve("flat", 1000, 0, 1.0, 512, 0.98), 10_005);
        b.curve(curve("steep", 1000, 0, 1.0, 400, 0.05, 512, 0.05), 10_006);
        b.curve(curve("gentle", 1000, 0, 1.0, 512, 0.7), 10_007);
        b.tick("h1", P + 5);
        assertEquals(plansA.get(0), b.plans.readValue());
    }

    /**
     * Page 10 sizzles for five periods and then misses one (warm); page 200 sizzles in that last
     * period only. The heat states alone rank 200 first (sizzle over warm); the planner's long
     * memory ranks 10 first. The chunk is published only when it changes, as the streams app does:
     * the periods in between count with the last state.
     */
    @Test
    void aPageHotForManyPeriodsOutranksAPageThatBecameHotOnce() {
        Run run = new Run("memory");
        HostInventory inv = inventory("h9", 600, 1_000_000,
                io.tierscope.planner.inventory.InventorySpec.vm("vm", "memory=256,reservation=4"));
        run.lastInventory.put("h9", inv);
        run.inventory(inv, 1_000);
        byte[] hotPage = states(CHUNK, 10, 11, SIZZLE);
        run.heat(heat("vm", 0, CHUNK, hotPage), 1_001);
        for (int period = 1; period <= 5; period++) {
            run.tick("h9", period * P + 1);
        }
        byte[] last = states(CHUNK, 10, 11, WARM);
        last[200] = SIZZLE;
        run.heat(heat("vm", 0, CHUNK, last), 5 * P + 2);
        run.tick("h9", 6 * P + 1);

        List<TieringPlan> plans = run.plans.readValuesToList();
        assertEquals(6, plans.size());
        List<Long> promoted = plan(plans.get(5), "vm").getPromote();
        assertEquals("h9#" + 5 * P, plans.get(5).getPlanId());
        assertEquals(List.of(10L, 200L), promoted.subList(0, 2), "long memory first, then the page hot once: " + promoted);

        // The same last states without the history (a fresh host): the state decides, sizzle first.
        Run fresh = new Run("no-memory");
        fresh.lastInventory.put("h9", inv);
        fresh.inventory(inv, 1_000);
        fresh.heat(heat("vm", 0, CHUNK, last), 5 * P + 2);
        fresh.tick("h9", 6 * P + 1);
        assertEquals(List.of(200L, 10L), plan(fresh.plans.readValue(), "vm").getPromote().subList(0, 2));
    }

    /**
     * Sample-driven heat carries each page's sampled access counts: pages in the same heat state are
     * ranked by them (busiest first), where the states alone tie (then the lower gfn goes first); a
     * frigid page is not promoted whatever its count.
     */
    @Test
    void sampledCountsRankPagesOfTheSameStateAndFrigidPagesStayGuarded() {
        HostInventory inv = inventory("h8", 600, 1_000_000,
                io.tierscope.planner.inventory.InventorySpec.vm("vm", "memory=256,reservation=3"));
        byte[] states = states(CHUNK, 0, 0, FRIGID);
        for (int page : new int[] {10, 50, 200}) {
            states[page] = WARM;
        }
        int[] samples = new int[CHUNK];
        samples[10] = 1;
        samples[50] = 3;
        samples[200] = 5;
        samples[7] = 9; // frigid: guarded

        Run run = new Run("counts");
        run.lastInventory.put("h8", inv);
        run.inventory(inv, 1_000);
        run.heat(counted(heat("vm", 0, CHUNK, states), samples), 1_001);
        run.tick("h8", P + 1);
        assertEquals(List.of(200L, 50L, 10L), plan(run.plans.readValue(), "vm").getPromote(), "busiest first");

        Run statesOnly = new Run("states-only");
        statesOnly.lastInventory.put("h8", inv);
        statesOnly.inventory(inv, 1_000);
        statesOnly.heat(heat("vm", 0, CHUNK, states), 1_001);
        statesOnly.tick("h8", P + 1);
        assertEquals(List.of(10L, 50L, 200L), plan(statesOnly.plans.readValue(), "vm").getPromote(), "a tie: gfn order");

        PageHeatChunk bad = PageHeatChunk.newBuilder(heat("vm", 0, CHUNK, states))
                .setSampledCounts(java.nio.ByteBuffer.wrap(new byte[3])).build();
        run.heat(bad, P + 2);
        String reason = new String(run.deadLetters.readRecord().headers().lastHeader(DeadLetter.REASON).value(),
                StandardCharsets.UTF_8);
        assertTrue(reason.contains("3 bytes of sampled counts for 256 pages"), reason);
    }

    @Test
    void aVmWithoutCurveGetsItsReservationOnly() {
        Run run = new Run("no-curve");
        HostInventory inv = inventory("h2", 600, 1_000_000, vm("known", 512),
                io.tierscope.planner.inventory.InventorySpec.vm("new", "memory=512,reservation=64"));
        run.lastInventory.put("h2", inv);
        run.inventory(inv, 1_000);
        run.curve(curve("known", 1000, 0, 1.0, 512, 0.0), 1_001);
        run.heat(heat("new", 0, CHUNK, states(CHUNK, 0, CHUNK, SIZZLE)), 1_002);
        run.tick("h2", P);
        HostAllocation a = run.allocations.readValue();
        assertEquals(64, alloc(a, "new").getFastPages());
        assertEquals(0.0, alloc(a, "new").getReferencesPerSec());
        assertEquals(512, alloc(a, "known").getFastPages());
        assertEquals(64, plan(run.plans.readValue(), "new").getPromote().size(), "its hottest pages fill its reservation");
    }

    @Test
    void inputsOfAVmWaitForItsInventoryAndFollowItToAnotherHost() {
        Run run = new Run("moves");
        run.curve(curve("roamer", 1000, 0, 1.0, 256, 0.0), 1_000);
        run.heat(heat("roamer", 0, CHUNK, states(CHUNK, 0, 128, SIZZLE)), 1_001);
        run.send(Topic.INVENTORY, "other", null, 1_002);
        assertTrue(run.plans.isEmpty(), "a VM no inventory names is planned nowhere");

        HostInventory a = inventory("ha", 1000, 1_000_000, vm("roamer", 256));
        run.lastInventory.put("ha", a);
        run.inventory(a, 2_000);
        run.tick("ha", P);
        VmPlan onA = plan(run.plans.readValue(), "roamer");
        assertEquals(128, onA.getPromote().size(), "heat sent before the inventory reached the host");

        // the VM moves: ha no longer lists it, hb does; hb gets its heat without any new heat record
        HostInventory aEmpty = inventory("ha", 1000, 1_000_000);
        HostInventory b = inventory("hb", 1000, 1_000_000, vm("roamer", 256));
        run.lastInventory.put("ha", aEmpty);
        run.lastInventory.put("hb", b);
        run.inventory(aEmpty, P + 10);
        run.inventory(b, P + 11);
        run.tick("hb", P + 12);
        run.tick("hb", 2 * P);
        List<TieringPlan> later = run.plans.readValuesToList();
        // ha has no VM left, so no measurement and no plan; hb got roamer's inputs with their own (period 0) times
        assertEquals(List.of("hb#0", "hb#60000"), later.stream().map(TieringPlan::getPlanId).toList());
        for (TieringPlan p : later) {
            assertEquals(128, plan(p, "roamer").getPromote().size(), "heat followed the VM without being republished");
        }

        // the host is deleted: its allocation is tombstoned and it is planned no more
        run.allocations.readKeyValuesToList();
        run.send(Topic.INVENTORY, "hb", null, 2 * P + 1);
        var tombstone = run.allocations.readKeyValue();
        assertEquals("hb", tombstone.key);
        assertNull(tombstone.value);
        run.heat(heat("roamer", 0, CHUNK, states(CHUNK, 0, 128, SIZZLE)), 3 * P + 1);
        run.heat(heat("roamer", 0, CHUNK, states(CHUNK, 0, 128, SIZZLE)), 4 * P + 1);
        assertTrue(run.plans.readValuesToList().stream().noneMatch(p -> p.getHost().equals("hb")));
    }

    @Test
    void placementDecidesWhatIsDemoted() {
        Run run = new Run("demote");
        HostInventory inv = inventory("h3", 100, 1_000_000, vm("vm", 256));
        run.lastInventory.put("h3", inv);
        run.inventory(inv, 1_000);
        run.curve(curve("vm", 1000, 0, 1.0, 100, 0.0), 1_001);
        // pages 0..99 are fast but cold; pages 100..199 are slow and sizzling
        run.heat(heat("vm", 0, CHUNK, states(CHUNK, 100, 200, SIZZLE)), 1_002);
        byte[] nodes = nodes(CHUNK, (byte) 1);
        java.util.Arrays.fill(nodes, 0, 100, (byte) 0);
        run.placement(placement("vm", 0, CHUNK, nodes), 1_003);
        run.tick("h3", P);
        // One period of heat is within the sampling-noise margin (a score of 12 against 0 is under two
        // standard deviations): nothing swaps yet. A second period with the same states is past it.
        assertEquals(0, plan(run.plans.readValue(), "vm").getPromote().size());
        run.tick("h3", 2 * P);
        VmPlan vm = plan(run.plans.readValue(), "vm");
        assertEquals(100, vm.getDemote().size());
        assertEquals(100, vm.getPromote().size());
        assertTrue(vm.getDemote().stream().allMatch(g -> g < 100));
        assertTrue(vm.getPromote().stream().allMatch(g -> g >= 100 && g < 200));

        NodeWorkingSets sets = run.workingSets.readKeyValue().value;
        assertEquals("vm", sets.getVmId());
        assertEquals("h3#0", sets.getPlanId());
        assertEquals(1, sets.getLargestNode(), "the 100 sizzling pages are on the slow node");
        assertTrue(sets.getRecommendMigration());
    }

    @Test
    void malformedInputGoesToTheDeadLetterTopicWithItsReason() {
        Run run = new Run("bad");
        HostInventory inv = inventory("h4", 100, 10, vm("vm", 256));
        run.lastInventory.put("h4", inv);
        run.inventory(inv, 1_000);
        run.curve(curve("vm", 1000, 0, 1.0, 10, 0.0), 1_000);
        run.heat(heat("vm", 0, CHUNK, states(CHUNK, 0, 10, SIZZLE)), 1_001);
        run.send(Topic.PAGE_HEAT, "vm#7", heat("vm", 0, CHUNK, states(CHUNK, 0, 10, SIZZLE)), 1_002); // wrong chunk in key
        run.in.get(Topic.MRC_LATEST).pipeInput("vm", "garbage".getBytes(StandardCharsets.UTF_8), 1_003);
        List<TestRecord<String, byte[]>> dead = run.deadLetters.readRecordsToList();
        assertEquals(2, dead.size());
        assertEquals("vm#7", dead.get(0).key());
        String reason = new String(dead.get(0).headers().lastHeader(DeadLetter.REASON).value(), StandardCharsets.UTF_8);
        assertTrue(reason.contains("under key vm#7"), reason);
        assertEquals(Topic.MRC_LATEST.topicName(),
                new String(dead.get(1).headers().lastHeader(DeadLetter.SOURCE_TOPIC).value(), StandardCharsets.UTF_8));
        assertNotNull(dead.get(1).value());
        run.tick("h4", P);
        assertEquals(10, plan(run.plans.readValue(), "vm").getPromote().size(), "the good chunk still counts");
    }
}
