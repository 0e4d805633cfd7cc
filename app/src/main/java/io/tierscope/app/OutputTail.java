package io.tierscope.app;

import io.tierscope.cli.ClientSecurity;
import io.tierscope.schemas.serde.SpecificAvroDeserializer;
import io.tierscope.schemas.serde.SchemaRegistryClient;
import io.tierscope.topics.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
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
 * Follows output topics from their current end (committed records only) and hands each record,
 * decoded, to its topic's consumer, on one thread: what the demo shows, and when the bench's outputs
 * arrive. A record that cannot be decoded is counted ({@link #unreadable}).
 */
public final class OutputTail implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, Consumer<byte[]>> consumers = new LinkedHashMap<>();
    private final SchemaRegistryClient registry;
    private final Runnable afterPoll;
    private final Thread thread;
    private volatile long received;
    private volatile long unreadable;
    private volatile long lastReceivedNanos = System.nanoTime();

    /** {@code afterPoll} runs on the tail's thread after every poll (at least every half second). */
    public OutputTail(ClientSecurity security, String bootstrapServers, String registryUrl, Runnable afterPoll) {
        this(security, bootstrapServers, registryUrl, afterPoll, null);
    }

    /**
     * @param fetchMaxWait how long the broker may hold a fetch for more data (null: Kafka's default, 500 ms); short
     *                     when the time a record is seen is what is measured
     */
    public OutputTail(ClientSecurity security, String bootstrapServers, String registryUrl, Runnable afterPoll,
                      Duration fetchMaxWait) {
        Properties p = security.kafkaClientProps(bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        if (fetchMaxWait != null) {
            p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, Long.toString(fetchMaxWait.toMillis()));
        }
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        this.registry = security.registryClient(registryUrl, 10_000);
        this.afterPoll = afterPoll;
        this.thread = new Thread(this::run, "tierscope-output-tail");
        thread.setDaemon(true);
    }

    /** Hands {@code topic}'s records to {@code consumer} (null for a tombstone). */
    public <T extends SpecificRecord> OutputTail follow(Topic topic, Class<T> type, Consumer<T> consumer) {
        SpecificAvroDeserializer<T> de = new SpecificAvroDeserializer<>(type, registry);
        consumers.put(topic.topicName(), bytes -> {
            T value;
            try {
                value = de.deserialize(topic.topicName(), bytes);
            } catch (RuntimeException e) {
                unreadable++;
                return;
            }
            received++;
            consumer.accept(value);
        });
        return this;
    }

    /** Follows the topics from their end now on. */
    public OutputTail start() {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : consumers.keySet()) {
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

    /** Records handed over so far. */
    public long received() {
        return received;
    }

    /** Records that could not be decoded. */
    public long unreadable() {
        return unreadable;
    }

    /** How long since the last record arrived (or the tail was made). */
    public Duration quietFor() {
        return Duration.ofNanos(System.nanoTime() - lastReceivedNanos);
    }

    private void run() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    consumers.get(r.topic()).accept(r.value());
                    lastReceivedNanos = System.nanoTime();
                }
                afterPoll.run();
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
