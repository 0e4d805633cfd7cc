package io.tierscope.executor;

import io.tierscope.avro.PagePlacement;
import io.tierscope.topics.Topic;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Placement without plans: where every page of the given VMs is, chunk by chunk, published to the
 * placement topic (query mode: nothing moves). Lets a planner start from the real placement, and
 * shows what the kernel's own balancing did between plans.
 */
public final class PlacementPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(PlacementPublisher.class);

    private final Producer<String, byte[]> producer;
    private final Serializer<PagePlacement> placements;
    private final PlanExecutor executor;

    public PlacementPublisher(Producer<String, byte[]> producer, Serializer<PagePlacement> placements, PlanExecutor executor) {
        this.producer = producer;
        this.placements = placements;
        this.executor = executor;
    }

    /**
     * One round over {@code vms} (vmId to host pid); a VM whose process is gone or unreadable is
     * logged and skipped. Returns the chunks published, once the brokers acknowledged them.
     */
    public int round(Map<String, Integer> vms) {
        String topic = Topic.PLACEMENT.topicName();
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (Map.Entry<String, Integer> vm : vms.entrySet()) {
            List<PagePlacement> chunks;
            try {
                chunks = executor.placementOf(vm.getKey(), vm.getValue());
            } catch (IOException e) {
                LOG.warn("VM {} (pid {}): no placement this round: {}", vm.getKey(), vm.getValue(), e.getMessage());
                continue;
            }
            for (PagePlacement p : chunks) {
                sent.add(producer.send(new ProducerRecord<>(topic, p.getVmId() + "#" + p.getChunkIndex(),
                        placements.serialize(topic, p))));
            }
        }
        producer.flush();
        for (Future<RecordMetadata> f : sent) {
            try {
                f.get();
            } catch (ExecutionException e) {
                throw new IllegalStateException("cannot deliver placement records: " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while delivering placement records", e);
            }
        }
        return sent.size();
    }
}
