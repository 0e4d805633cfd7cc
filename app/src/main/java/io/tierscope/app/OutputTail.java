package io.tierscope.app;

import io.tierscope.cli.ClientSecurity;
import io.tierscope.schemas.serde.SpecificAvroDeserializer;
import io.tierscope.schemas.serde.SchemaRegistryClient;
import io.tierscope.topics.Topic;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows output topics from their current end (committed records only) and prints one line
 * per record through a formatter per topic: what the demo shows.
 */
final class OutputTail implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, Function<byte[], String>> formatters = new LinkedHashMap<>();
    private final SchemaRegistryClient registry;
    private final PrintStream out;
    private final Thread thread;
    private volatile long printed;

    OutputTail(ClientSecurity security, String bootstrapServers, String registryUrl, PrintStream out) {
        Properties p = security.kafkaClientProps(bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        this.registry = security.registryClient(registryUrl, 10_000);
        this.out = out;
        this.thread = new Thread(this::run, "tierscope-output-tail");
        thread.setDaemon(true);
    }

    <T extends SpecificRecord> OutputTail follow(Topic topic, Class<T> type, Function<T, String> format) {
        SpecificAvroDeserializer<T> de = new SpecificAvroDeserializer<>(type, registry);
        formatters.put(topic.topicName(), bytes -> format.apply(de.deserialize(topic.topicName(), bytes)));
        return this;
    }

    OutputTail start() {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : formatters.keySet()) {
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // fix the start now, before producers begin
        thread.start();
        return this;
    }

    long printed() {
        return printed;
    }

    private void run() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    String line;
                    try {
                        line = formatters.get(r.topic()).apply(r.value());
                    } catch (RuntimeException e) {
                        line = "(cannot read " + r.topic() + " record at offset " + r.offset() + ": " + e.getMessage() + ")";
                    }
                    out.println(line);
                    printed++;
                }
            }
        } catch (WakeupException stopping) {
            // close() asked us to stop.
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (thread.isAlive()) {
            consumer.wakeup();
            thread.join(10_000);
        } else {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
