package io.tierscope.streams.heat.query;

import io.tierscope.cli.ClientSecurity;
import io.tierscope.analytics.heat.ChunkHeat;
import io.tierscope.analytics.heat.GapPolicy;
import io.tierscope.analytics.heat.HeatTable;
import io.tierscope.avro.PageHeatChunk;
import io.tierscope.schemas.serde.SpecificAvroDeserializer;
import io.tierscope.streams.heat.ChunkKeys;
import io.tierscope.topics.Topic;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads one VM's current page heat from the compacted PAGE_HEAT topic: every partition from the
 * start to its last stable offset (committed records only), the newest record per chunk, chunks
 * with a tombstone left out. Any process can answer "which pages first" this way, no RPC to the
 * stream instances; the answer is as fresh as the last published window.
 */
public final class PageHeatReader {
    private final Properties consumerProps = new Properties();
    private final SpecificAvroDeserializer<PageHeatChunk> deserializer;

    public PageHeatReader(String bootstrapServers, String schemaRegistryUrl) {
        this(ClientSecurity.NONE, bootstrapServers, schemaRegistryUrl);
    }

    public PageHeatReader(ClientSecurity security, String bootstrapServers, String schemaRegistryUrl) {
        consumerProps.putAll(security.kafkaClientProperties(bootstrapServers));
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        this.deserializer = new SpecificAvroDeserializer<>(PageHeatChunk.class, security.registryClient(schemaRegistryUrl, 10_000));
    }

    /** The VM's newest published chunk records, in chunk order (empty when it has none). */
    public List<PageHeatChunk> chunkRecords(String vmId, Duration timeout) {
        String prefix = ChunkKeys.topicPrefix(vmId);
        Map<String, byte[]> latest = new HashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(Topic.PAGE_HEAT.topicName(), timeout)) {
                partitions.add(new TopicPartition(info.topic(), info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            while (!caughtUp(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + Topic.PAGE_HEAT.topicName() + " to its end within "
                            + timeout.toSeconds() + " s");
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.key() != null && r.key().startsWith(prefix)) {
                        if (r.value() == null) {
                            latest.remove(r.key());
                        } else {
                            latest.put(r.key(), r.value());
                        }
                    }
                }
            }
        }
        TreeMap<Long, PageHeatChunk> byIndex = new TreeMap<>();
        latest.forEach((key, bytes) -> {
            PageHeatChunk chunk = deserializer.deserialize(Topic.PAGE_HEAT.topicName(), bytes);
            if (chunk.getVmId().equals(vmId)) { // "vm#2#5" also starts with VM "vm"'s prefix "vm#"
                byIndex.put(chunk.getChunkIndex(), chunk);
            }
        });
        return new ArrayList<>(byIndex.values());
    }

    /** The VM's chunks as heat engines, ready for {@link io.tierscope.analytics.heat.HeatOrder}. */
    public List<ChunkHeat> chunks(String vmId, Duration timeout) {
        List<ChunkHeat> out = new ArrayList<>();
        for (PageHeatChunk r : chunkRecords(vmId, timeout)) {
            out.add(toChunkHeat(r));
        }
        return out;
    }

    /**
     * @throws IllegalArgumentException naming the record when it does not hold valid states
     */
    public static ChunkHeat toChunkHeat(PageHeatChunk r) {
        try {
            byte[] access = bytes(r.getAccessStates());
            if (access.length != r.getPageCount()) {
                throw new IllegalArgumentException("accessStates has " + access.length + " pages but pageCount is " + r.getPageCount());
            }
            return ChunkHeat.fromStates(HeatTable.byName(r.getClassifier()), GapPolicy.IDLE, r.getBaseGfn(),
                    r.getLastScanSeq(), access, r.getWriteStates() == null ? null : bytes(r.getWriteStates()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("page heat record " + ChunkKeys.topicKey(r.getVmId(), r.getChunkIndex())
                    + " is not usable: " + e.getMessage(), e);
        }
    }

    private static boolean caughtUp(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer b = buffer.duplicate();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
