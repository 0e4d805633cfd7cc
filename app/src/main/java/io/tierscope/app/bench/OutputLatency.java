package io.tierscope.app.bench;

import io.tierscope.cli.ClientSecurity;
import io.tierscope.schemas.serde.SchemaRegistryClient;
import io.tierscope.schemas.serde.SpecificAvroDeserializer;
import io.tierscope.topics.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
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
 * When each window's curve and heat summary become readable (committed) on their output topics: one
 * {@link Arrival} per record, from the records' {@code windowEndMs} and the wall clock at which this consumer saw them.
 */
final class OutputLatency implements AutoCloseable {
    /** One window's output: which topic, the window's end (its youngest sample) and when it was readable. */
    record Arrival(Topic topic, long windowStartMs, long windowEndMs, long readableMs) {
        long latencyMs() {
            return readableMs - windowEndMs;
        }
    }

    static final List<Topic> TOPICS = List.of(Topic.MRC_HISTORY, Topic.HEAT_SUMMARY);

    private final KafkaConsumer<String, byte[]> consumer;
    private final SchemaRegistryClient registry;
    private final List<Arrival> arrivals = new ArrayList<>();
    private final Thread thread;

    OutputLatency(ClientSecurity security, String bootstrapServers, String registryUrl) {
        Properties p = security.kafkaClientProps(bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "50"); // the latency measured is the pipeline's, not this poll's
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        this.registry = security.registryClient(registryUrl, 10_000);
        this.thread = new Thread(this::run, "bench-output-latency");
        thread.setDaemon(true);
    }

    /** Follows the output topics from their end now on. */
    OutputLatency start() {
        List<TopicPartition> partitions = new ArrayList<>();
        for (Topic topic : TOPICS) {
            for (PartitionInfo info : consumer.partitionsFor(topic.topicName(), Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic.topicName(), info.partition()));
            }
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        thread.start();
        return this;
    }

    /** Every arrival so far. */
    synchronized List<Arrival> arrivals() {
        return List.copyOf(arrivals);
    }

    private void run() {
        List<SpecificAvroDeserializer<? extends SpecificRecord>> readers = new ArrayList<>();
        for (Topic topic : TOPICS) {
            readers.add(reader(topic.valueType()));
        }
        try {
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    long now = System.currentTimeMillis();
                    int index = r.topic().equals(Topic.MRC_HISTORY.topicName()) ? 0 : 1;
                    SpecificRecord value = readers.get(index).deserialize(r.topic(), r.value());
                    long start = (Long) value.get(value.getSchema().getField("windowStartMs").pos());
                    long end = (Long) value.get(value.getSchema().getField("windowEndMs").pos());
                    synchronized (this) {
                        arrivals.add(new Arrival(TOPICS.get(index), start, end, now));
                    }
                }
            }
        } catch (WakeupException stopping) {
            // close() asked us to stop
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private <T extends SpecificRecord> SpecificAvroDeserializer<T> reader(Class<T> type) {
        return new SpecificAvroDeserializer<>(type, registry);
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
