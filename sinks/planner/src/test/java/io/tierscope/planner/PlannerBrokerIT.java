package io.tierscope.planner;

import static io.tierscope.planner.PlannerRecords.SIZZLE;
import static io.tierscope.planner.PlannerRecords.WARM;
import static io.tierscope.planner.PlannerRecords.curve;
import static io.tierscope.planner.PlannerRecords.heat;
import static io.tierscope.planner.PlannerRecords.states;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.avro.HostAllocation;
import io.tierscope.avro.HostInventory;
import io.tierscope.avro.TieringPlan;
import io.tierscope.avro.VmAllocation;
import io.tierscope.avro.VmPlan;
import io.tierscope.planner.inventory.InventorySpec;
import io.tierscope.planner.inventory.InventoryTopic;
import io.tierscope.platform.Platform;
import io.tierscope.platform.testing.PlatformExtension;
import io.tierscope.schemas.serde.SchemaRegistryClient;
import io.tierscope.schemas.serde.SpecificAvroDeserializer;
import io.tierscope.schemas.serde.SpecificAvroSerializer;
import io.tierscope.streams.StreamsRunner;
import io.tierscope.topics.Topic;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on the real broker and registry, exactly-once: an inventory written the way
 * {@code tierscope inventory put} writes it, three VMs with differently shaped curves and heat on
 * one host, and the planner's committed output.
 */
@ExtendWith(PlatformExtension.class)
class PlannerBrokerIT {
    private static final int CHUNK = 256;

    @Test
    void theVmWhoseCurveGainsMostGetsTheFastMemoryAndItsHottestPagesFirst(Platform platform, @TempDir Path stateDir)
            throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String host = "it-host-" + run;
        String steep = "it-" + run + "-steep";
        String gentle = "it-" + run + "-gentle";
        String flat = "it-" + run + "-flat";
        SchemaRegistryClient registry = new SchemaRegistryClient(platform.schemaRegistryUrl(), 10_000);
        PlannerConfig config = PlannerConfig.from(Map.of(PlannerConfig.STEP_PAGES, "8"));
        Properties props = StreamsRunner.streamsProperties(platform.bootstrapServers(), "planner-it-" + run, stateDir,
                Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "200"));

        InventoryTopic inventories = new InventoryTopic(platform.bootstrapServers(), platform.schemaRegistryUrl());
        inventories.ensureTopic(2, (short) 1);
        HostInventory inventory = InventorySpec.build(host, 0, 1, 600, 1_000_000, 4096, List.of(
                InventorySpec.vmArgument(steep + ":memory=512,pid=11"), InventorySpec.vmArgument(gentle + ":memory=512,pid=12"),
                InventorySpec.vmArgument(flat + ":memory=512,pid=13,reservation=32")), System.currentTimeMillis());

        try (PlannerRunner planner = PlannerRunner.start(props, config, platform.schemaRegistryUrl(), 2, (short) 1,
                Duration.ofMinutes(1));
             KafkaProducer<String, SpecificRecord> producer = producer(platform, registry);
             KafkaConsumer<String, byte[]> plans = committedReader(platform, Topic.TIERING_PLANS);
             KafkaConsumer<String, byte[]> allocations = committedReader(platform, Topic.ALLOCATIONS)) {
            inventories.put(inventory);
            assertEquals(inventory, inventories.readAll(Duration.ofSeconds(30)).get(host), "inventory show reads it back");

            long t = System.currentTimeMillis();
            send(producer, Topic.MRC_LATEST, steep, curve(steep, 1000, 0, 1.0, 400, 0.05, 512, 0.05), t);
            send(producer, Topic.MRC_LATEST, gentle, curve(gentle, 1000, 0, 1.0, 512, 0.7), t);
            send(producer, Topic.MRC_LATEST, flat, curve(flat, 1000, 0, 1.0, 512, 0.98), t);
            byte[] steepHot = states(CHUNK, 0, 100, SIZZLE);
            java.util.Arrays.fill(steepHot, 100, CHUNK, WARM);
            send(producer, Topic.PAGE_HEAT, steep + "#0", heat(steep, 0, CHUNK, steepHot), t);
            send(producer, Topic.PAGE_HEAT, steep + "#1", heat(steep, 1, CHUNK, states(CHUNK, 0, 144, WARM)), t);
            send(producer, Topic.PAGE_HEAT, gentle + "#0", heat(gentle, 0, CHUNK, states(CHUNK, 0, CHUNK, WARM)), t);
            send(producer, Topic.PAGE_HEAT, flat + "#0", heat(flat, 0, CHUNK, states(CHUNK, 0, CHUNK, WARM)), t);
            producer.flush();

            // Each VM's inputs reach the host through their own partitions, so the first period may close
            // before all have arrived: move the host on, period by period (a later heat record of one VM),
            // until a plan has every VM's curve; then check that plan.
            SpecificAvroDeserializer<HostAllocation> allocDe = new SpecificAvroDeserializer<>(HostAllocation.class, registry);
            SpecificAvroDeserializer<TieringPlan> planDe = new SpecificAvroDeserializer<>(TieringPlan.class, registry);
            long periodMs = config.period().toMillis();
            long tick = config.periodStart(t) + periodMs + config.grace().toMillis();
            HostAllocation allocation = null;
            List<TieringPlan> hostPlans = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
            while (allocation == null && System.nanoTime() < deadline) {
                send(producer, Topic.PAGE_HEAT, flat + "#0", heat(flat, 0, CHUNK, states(CHUNK, 0, CHUNK, WARM)), tick);
                producer.flush();
                tick += periodMs;
                long wait = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                while (allocation == null && System.nanoTime() < wait) {
                    for (ConsumerRecord<String, byte[]> r : allocations.poll(Duration.ofMillis(200))) {
                        if (host.equals(r.key()) && r.value() != null) {
                            HostAllocation a = allocDe.deserialize(r.topic(), r.value());
                            if (a.getVms().stream().allMatch(v -> v.getReferencesPerSec() > 0)) {
                                allocation = a;
                            }
                        }
                    }
                }
            }
            assertTrue(allocation != null, "a plan with every VM's curve within 150 s");
            // Every plan committed so far (the allocation's plan is in the same transaction), rather than a fixed 20 s.
            Map<TopicPartition, Long> planEnds = plans.endOffsets(plans.assignment());
            long readUntil = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (plans.assignment().stream().anyMatch(tp -> plans.position(tp) < planEnds.get(tp))
                    && System.nanoTime() < readUntil) {
                for (ConsumerRecord<String, byte[]> r : plans.poll(Duration.ofMillis(200))) {
                    if (host.equals(r.key())) {
                        hostPlans.add(planDe.deserialize(r.topic(), r.value()));
                    }
                }
            }
            List<String> ids = hostPlans.stream().map(TieringPlan::getPlanId).toList();
            assertEquals(new HashSet<>(ids).size(), ids.size(), "each plan exactly once: " + ids);
            String planId = allocation.getPlanId();
            TieringPlan plan = hostPlans.stream().filter(p -> p.getPlanId().equals(planId)).findFirst().orElseThrow();

            long steepPages = fastPages(allocation, steep);
            assertTrue(steepPages >= 400, "the steep curve gets its knee: " + allocation);
            assertTrue(steepPages > fastPages(allocation, gentle) && fastPages(allocation, gentle) > fastPages(allocation, flat));
            assertEquals(32, fastPages(allocation, flat), "the flat curve keeps its reservation only");

            VmPlan steepPlan = plan.getVms().stream().filter(v -> v.getVmId().equals(steep)).findFirst().orElseThrow();
            assertEquals(11, steepPlan.getPid());
            assertEquals(steepPages, steepPlan.getPromote().size(), "nothing is fast yet: every granted page is promoted");
            Set<Long> first = new HashSet<>(steepPlan.getPromote().subList(0, 100));
            for (long gfn = 0; gfn < 100; gfn++) {
                assertTrue(first.contains(gfn), "sizzling page " + gfn + " is among the first 100 promotions");
            }

            inventories.delete(host);
            assertFalse(inventories.readAll(Duration.ofSeconds(30)).containsKey(host), "inventory delete tombstones the host");
        }
    }

    private static long fastPages(HostAllocation a, String vm) {
        return a.getVms().stream().filter(v -> v.getVmId().equals(vm)).mapToLong(VmAllocation::getFastPages).findFirst().orElseThrow();
    }

    private static void send(KafkaProducer<String, SpecificRecord> producer, Topic topic, String key, SpecificRecord value, long t) {
        producer.send(new ProducerRecord<>(topic.topicName(), null, t, key, value));
    }

    private static KafkaProducer<String, SpecificRecord> producer(Platform platform, SchemaRegistryClient registry) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p, new StringSerializer(), new SpecificAvroSerializer<>(registry, true));
    }

    private static KafkaConsumer<String, byte[]> committedReader(Platform platform, Topic topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        c.partitionsFor(topic.topicName(), Duration.ofSeconds(30))
                .forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
        c.assign(partitions);
        c.seekToBeginning(partitions);
        return c;
    }
}
