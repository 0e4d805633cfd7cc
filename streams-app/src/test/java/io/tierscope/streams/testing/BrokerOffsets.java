package io.tierscope.streams.testing;

import static org.junit.jupiter.api.Assertions.fail;

import io.tierscope.platform.Platform;
import io.tierscope.topics.GroupOffsets;
import io.tierscope.topics.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Offsets and committed outputs on the test broker, for the ITs that compare runs of the topology. */
public final class BrokerOffsets {
    private BrokerOffsets() {
    }

    public static Admin admin(Platform platform) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
        return Admin.create(p);
    }

    public static List<TopicPartition> partitions(Platform platform, List<Topic> topics) throws Exception {
        try (Admin admin = admin(platform)) {
            return GroupOffsets.partitions(admin, topics);
        }
    }

    public static Map<TopicPartition, Long> endOffsets(Platform platform, List<TopicPartition> partitions) throws Exception {
        try (Admin admin = admin(platform)) {
            return GroupOffsets.endOffsets(admin, partitions);
        }
    }

    /** The group's committed offsets of the partitions {@code of} (those it has committed). */
    public static Map<TopicPartition, Long> committedOffsets(Platform platform, String group, Set<TopicPartition> of)
            throws Exception {
        try (Admin admin = admin(platform)) {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, Long> out = new HashMap<>();
            offsets.forEach((tp, om) -> {
                if (om != null && of.contains(tp)) {
                    out.put(tp, om.offset());
                }
            });
            return out;
        }
    }

    public static long committed(Platform platform, String group, List<TopicPartition> inputs) throws Exception {
        return committedOffsets(platform, group, Set.copyOf(inputs)).values().stream().mapToLong(Long::longValue).sum();
    }

    /** Starts a new group at the partitions' current ends, so that it reads only what is produced from now on. */
    public static void startGroupAtEnd(Platform platform, String group, List<TopicPartition> inputs) throws Exception {
        try (Admin admin = admin(platform)) {
            GroupOffsets.startAtEnd(admin, group, inputs);
        }
    }

    /**
     * Reads every committed output record whose key starts with {@code tag} up to {@code end}: those before
     * {@code boundary} into {@code first}, the others into {@code second}, by topic and key in offset order. Values
     * are kept as hex so that comparisons are byte for byte.
     */
    public static void readOutputs(Platform platform, String tag, List<TopicPartition> outputs,
                                   Map<TopicPartition, Long> boundary, Map<TopicPartition, Long> end,
                                   Map<String, Map<String, List<String>>> first,
                                   Map<String, Map<String, List<String>>> second) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, "4194304");
        HexFormat hex = HexFormat.of();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            c.assign(outputs);
            c.seekToBeginning(outputs);
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            while (outputs.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    fail("outputs not read to their end within 3 minutes");
                }
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    if (r.key() == null || !r.key().startsWith(tag)) {
                        continue;
                    }
                    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
                    Map<String, Map<String, List<String>>> run = r.offset() < boundary.get(tp) ? first : second;
                    run.computeIfAbsent(r.topic(), t -> new TreeMap<>()).computeIfAbsent(r.key(), k -> new ArrayList<>())
                            .add(r.value() == null ? "tombstone" : hex.formatHex(r.value()));
                }
            }
        }
    }
}
