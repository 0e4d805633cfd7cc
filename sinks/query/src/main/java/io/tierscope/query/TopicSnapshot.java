package io.tierscope.query;

import io.tierscope.cli.ClientSecurity;
import io.tierscope.schemas.serde.SchemaRegistryClient;
import io.tierscope.schemas.serde.SpecificAvroDeserializer;
import io.tierscope.topics.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The newest value per key of a topic, read from the start to its end (committed records only;
 * tombstones remove the key): what {@code query --direct} answers from, without a query service.
 */
public final class TopicSnapshot {
    private final ClientSecurity security;
    private final String bootstrapServers;
    private final SchemaRegistryClient registry;
    private final Duration timeout;

    public TopicSnapshot(ClientSecurity security, String bootstrapServers, String schemaRegistryUrl, Duration timeout) {
        this.security = security;
        this.bootstrapServers = bootstrapServers;
        this.registry = security.registryClient(schemaRegistryUrl, 10_000);
        this.timeout = timeout;
    }

    /** Newest value per key whose key passes {@code keys}, in key order. */
    public <V extends SpecificRecord> Map<String, V> latest(Topic topic, Class<V> type, Predicate<String> keys) {
        Properties p = security.kafkaClientProps(bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        Map<String, byte[]> latest = new LinkedHashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            List<PartitionInfo> infos = consumer.partitionsFor(topic.topicName(), timeout);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + topic.topicName() + " does not exist at " + bootstrapServers);
            }
            for (PartitionInfo info : infos) {
                partitions.add(new TopicPartition(info.topic(), info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            while (!caughtUp(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic.topicName() + " to its end within " + timeout.toSeconds() + " s");
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key() != null && keys.test(r.key())) {
                        if (r.value() == null) {
                            latest.remove(r.key());
                        } else {
                            latest.put(r.key(), r.value());
                        }
                    }
                }
            }
        }
        SpecificAvroDeserializer<V> deserializer = new SpecificAvroDeserializer<>(type, registry);
        Map<String, V> out = new TreeMap<>();
        latest.forEach((k, bytes) -> out.put(k, deserializer.deserialize(topic.topicName(), bytes)));
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
