package io.tierscope.collector.it;

import io.tierscope.schemas.serde.AvroSerdes;
import io.tierscope.topics.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a topic from the beginning, through the project's registry-aware deserializer, keeping given keys. */
final class TopicReader {
    private TopicReader() {
    }

    /**
     * Values of records whose key is in {@code keys}, in offset order per partition, read until
     * {@code done} holds for them or the timeout passes.
     */
    @SuppressWarnings("unchecked")
    static <T extends SpecificRecord> List<T> read(String bootstrap, String registry, Topic topic, Set<String> keys,
                                                   Predicate<List<T>> done, Duration timeout) {
        Class<T> type = (Class<T>) topic.valueType();
        List<T> out = new ArrayList<>();
        try (KafkaConsumer<String, T> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.GROUP_ID_CONFIG, "collector-it-" + System.nanoTime()),
                new StringDeserializer(), AvroSerdes.valueSerde(type, registry).deserializer())) {
            consumer.subscribe(List.of(topic.topicName()));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!done.test(out) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, T> r : consumer.poll(Duration.ofMillis(500))) {
                    if (keys.contains(r.key())) {
                        out.add(r.value());
                    }
                }
            }
        }
        return out;
    }
}
