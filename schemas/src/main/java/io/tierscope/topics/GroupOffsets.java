package io.tierscope.topics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a new consumer group starts: the topics' partitions, their end offsets, and committing offsets for a group
 * before its application first runs, so that it reads only what is produced from then on, whatever the topics
 * already hold (the bench on an existing cluster, ITs on the suite's shared broker).
 */
public final class GroupOffsets {
    private GroupOffsets() {
    }

    /** Every partition of {@code topics} (which must exist). */
    public static List<TopicPartition> partitions(Admin admin, Collection<Topic> topics) throws ExecutionException, InterruptedException {
        List<TopicPartition> out = new ArrayList<>();
        admin.describeTopics(topics.stream().map(Topic::topicName).toList()).allTopicNames().get()
                .forEach((name, d) -> d.partitions().forEach(p -> out.add(new TopicPartition(name, p.partition()))));
        return out;
    }

    /** The current end offset of each of {@code partitions}. */
    public static Map<TopicPartition, Long> endOffsets(Admin admin, Collection<TopicPartition> partitions)
            throws ExecutionException, InterruptedException {
        return admin.listOffsets(partitions.stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest())))
                .all().get().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    /** Commits {@code offsets} for {@code group}, which must have no active members (before its application starts). */
    public static void startAt(Admin admin, String group, Map<TopicPartition, Long> offsets)
            throws ExecutionException, InterruptedException {
        admin.alterConsumerGroupOffsets(group, offsets.entrySet().stream()
                        .collect(Collectors.toMap(Map.Entry::getKey, e -> new OffsetAndMetadata(e.getValue()))))
                .all().get();
    }

    /** Starts {@code group} at the partitions' current ends. */
    public static void startAtEnd(Admin admin, String group, Collection<TopicPartition> partitions)
            throws ExecutionException, InterruptedException {
        startAt(admin, group, endOffsets(admin, partitions));
    }
}
