package io.tierscope.app.bench;

import io.tierscope.topics.GroupOffsets;
import io.tierscope.topics.Topic;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/** What the broker says about the bench's pipeline: input lag of the streams app, bytes on disk per topic. */
final class KafkaProbe {
    private final Admin admin;
    private final String applicationId;

    KafkaProbe(Admin admin, String applicationId) {
        this.admin = admin;
        this.applicationId = applicationId;
    }

    /** The input topics' partitions. */
    List<TopicPartition> partitions(Topic topic) throws ExecutionException, InterruptedException {
        return GroupOffsets.partitions(admin, List.of(topic));
    }

    /**
     * Starts the (new) application's consumer group at the inputs' current ends, so that it reads only what the
     * bench produces, whatever an existing cluster's topics already hold.
     */
    void startGroupAtEnd(List<TopicPartition> inputs) throws ExecutionException, InterruptedException {
        GroupOffsets.startAtEnd(admin, applicationId, inputs);
    }

    /** Records of {@code topic} the application has not committed yet (its lag), summed over partitions. */
    long lag(List<TopicPartition> partitions) throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> committed =
                admin.listConsumerGroupOffsets(applicationId).partitionsToOffsetAndMetadata().get();
        long lag = 0;
        for (Map.Entry<TopicPartition, Long> end : GroupOffsets.endOffsets(admin, partitions).entrySet()) {
            OffsetAndMetadata done = committed.get(end.getKey());
            lag += Math.max(0, end.getValue() - (done == null ? 0 : done.offset()));
        }
        return lag;
    }

    /** Bytes on the brokers' disks per topic (leaders and followers), for the inputs and the app's changelogs. */
    Map<String, Long> topicBytes() throws ExecutionException, InterruptedException {
        List<Integer> brokers = new ArrayList<>();
        admin.describeCluster().nodes().get().forEach(n -> brokers.add(n.id()));
        Map<String, Long> bytes = new HashMap<>();
        for (Map<String, LogDirDescription> dirs : admin.describeLogDirs(brokers).allDescriptions().get().values()) {
            for (LogDirDescription dir : dirs.values()) {
                for (Map.Entry<TopicPartition, ReplicaInfo> replica : dir.replicaInfos().entrySet()) {
                    bytes.merge(replica.getKey().topic(), replica.getValue().size(), Long::sum);
                }
            }
        }
        return bytes;
    }

    /** Bytes of the application's changelog topics within {@code bytes}. */
    long changelogBytes(Map<String, Long> bytes) {
        return bytes.entrySet().stream()
                .filter(e -> e.getKey().startsWith(applicationId + "-") && e.getKey().endsWith("-changelog"))
                .mapToLong(Map.Entry::getValue).sum();
    }
}
