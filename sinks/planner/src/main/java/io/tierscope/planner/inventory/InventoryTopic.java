package io.tierscope.planner.inventory;

import io.tierscope.cli.ClientSecurity;
import io.tierscope.avro.HostInventory;
import io.tierscope.schemas.serde.SchemaRegistryClient;
import io.tierscope.schemas.serde.SpecificAvroDeserializer;
import io.tierscope.schemas.serde.SpecificAvroSerializer;
import io.tierscope.topics.Topic;
import io.tierscope.topics.TopicProvisioner;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The compacted inventory topic as a small key-value store: put a host's inventory, delete it
 * (tombstone), read every host's newest one. Nothing else holds inventory: the planner reads the
 * same topic.
 */
public final class InventoryTopic {
    private final ClientSecurity security;
    private final String bootstrapServers;
    private final SchemaRegistryClient registry;

    public InventoryTopic(String bootstrapServers, String schemaRegistryUrl) {
        this(ClientSecurity.NONE, bootstrapServers, schemaRegistryUrl);
    }

    public InventoryTopic(ClientSecurity security, String bootstrapServers, String schemaRegistryUrl) {
        this.security = security;
        this.bootstrapServers = bootstrapServers;
        this.registry = security.registryClient(schemaRegistryUrl, 10_000);
    }

    /** Creates the topic if it is missing (compacted, {@code partitions} partitions). */
    public void ensureTopic(int partitions, short replication) throws InterruptedException {
        Properties p = security.kafkaClientProps(bootstrapServers);
        try (Admin admin = Admin.create(p)) {
            new TopicProvisioner(admin, partitions, replication).ensure(List.of(Topic.INVENTORY));
        }
    }

    /** Writes {@code inventory} (checked first) under its host; waits for the broker's acknowledgement. */
    public void put(HostInventory inventory) throws InterruptedException {
        InventorySpec.check(inventory);
        byte[] value = new SpecificAvroSerializer<HostInventory>(registry, true).serialize(Topic.INVENTORY.topicName(), inventory);
        send(inventory.getHost(), value);
    }

    /** Writes a tombstone: the host and its VMs leave the planner's view; compaction drops the host. */
    public void delete(String host) throws InterruptedException {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host is empty");
        }
        send(host.trim(), null);
    }

    private void send(String host, byte[] value) throws InterruptedException {
        Properties p = security.kafkaClientProps(bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topic.INVENTORY.topicName(), host, value)).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot write to " + Topic.INVENTORY.topicName() + ": " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** Every host's newest inventory, by host name; deleted hosts left out. Reads to the last committed offsets. */
    public TreeMap<String, HostInventory> readAll(Duration timeout) {
        Properties p = security.kafkaClientProps(bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        Map<String, byte[]> latest = new TreeMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            List<PartitionInfo> infos = consumer.partitionsFor(Topic.INVENTORY.topicName(), timeout);
            for (PartitionInfo info : infos) {
                partitions.add(new TopicPartition(info.topic(), info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            while (!caughtUp(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + Topic.INVENTORY.topicName() + " to its end within "
                            + timeout.toSeconds() + " s");
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) {
                        latest.remove(r.key());
                    } else {
                        latest.put(r.key(), r.value());
                    }
                }
            }
        }
        SpecificAvroDeserializer<HostInventory> deserializer = new SpecificAvroDeserializer<>(HostInventory.class, registry);
        TreeMap<String, HostInventory> out = new TreeMap<>();
        latest.forEach((host, bytes) -> out.put(host, deserializer.deserialize(Topic.INVENTORY.topicName(), bytes)));
        return out;
    }

    private static boolean caughtUp(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
