package io.tierscope.query;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * How far the pipeline's consumer groups (the streams app, the planner) are behind their input: per group and
 * topic, the read_committed end offsets minus the group's committed offsets, summed over partitions. Asked of
 * the cluster at most once per {@code maxAge}, however often the dashboard polls.
 */
public final class PipelineLag {
    /** One group's lag; {@code error} says why it could not be read (then the counts are -1). */
    public record GroupLag(String group, long lag, Map<String, Long> byTopic, String error) {
    }

    private static final long ADMIN_TIMEOUT_MS = 5_000;

    private final Admin admin;
    private final List<String> groups;
    private final long maxAgeMs;
    private final LongSupplier clock;
    private List<GroupLag> cached;
    private long cachedAtMs;

    public PipelineLag(Admin admin, List<String> groups, Duration maxAge) {
        this(admin, groups, maxAge, System::currentTimeMillis);
    }

    PipelineLag(Admin admin, List<String> groups, Duration maxAge, LongSupplier clock) {
        this.admin = admin;
        this.groups = List.copyOf(groups);
        this.maxAgeMs = maxAge.toMillis();
        this.clock = clock;
    }

    public List<String> groups() {
        return groups;
    }

    /** The lag of every group, at most {@code maxAge} old. */
    public synchronized List<GroupLag> current() {
        long now = clock.getAsLong();
        if (cached == null || now - cachedAtMs >= maxAgeMs) {
            List<GroupLag> fresh = new ArrayList<>(groups.size());
            for (String group : groups) {
                fresh.add(read(group));
            }
            cached = List.copyOf(fresh);
            cachedAtMs = now;
        }
        return cached;
    }

    /** The lag of {@code group} in records, or -1 while it cannot be read. */
    public long lagOf(String group) {
        for (GroupLag g : current()) {
            if (g.group().equals(group)) {
                return g.lag();
            }
        }
        return -1;
    }

    private GroupLag read(String group) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
            committed.forEach((tp, offset) -> {
                if (offset != null) {
                    ask.put(tp, OffsetSpec.latest());
                }
            });
            if (ask.isEmpty()) {
                return new GroupLag(group, -1, Map.of(), "no committed offsets (the group has not consumed yet)");
            }
            // read_committed: a transactional producer's open transaction is not lag the group could read.
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin
                    .listOffsets(ask, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                    .all().get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            Map<String, Long> byTopic = new TreeMap<>();
            long total = 0;
            for (Map.Entry<TopicPartition, OffsetSpec> e : ask.entrySet()) {
                TopicPartition tp = e.getKey();
                long lag = Math.max(0, ends.get(tp).offset() - committed.get(tp).offset());
                byTopic.merge(tp.topic(), lag, Long::sum);
                total += lag;
            }
            return new GroupLag(group, total, byTopic, null);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return new GroupLag(group, -1, Map.of(), cause.getClass().getSimpleName() + ": " + cause.getMessage());
        } catch (TimeoutException e) {
            return new GroupLag(group, -1, Map.of(), "the cluster did not answer within " + ADMIN_TIMEOUT_MS + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new GroupLag(group, -1, Map.of(), "interrupted");
        }
    }
}
