package io.tierscope.query;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How far the pipeline's consumer groups (the streams app, the planner) are behind their input: per group and
 * topic, the read_committed end offsets minus the group's committed offsets, summed over partitions. One background
 * thread ({@link #start}) asks the cluster every {@link #REFRESH_EVERY}; readers ({@link #snapshot}: the API, the
 * dashboard, the Prometheus gauge) get the last result at once with its age, never waiting on the cluster. A result
 * that is not current (the last read failed, or it is older than {@link #STALE_AFTER}) is marked stale.
 */
public final class PipelineLag implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineLag.class);
    static final Duration REFRESH_EVERY = Duration.ofSeconds(5);
    static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(5);
    /** Two missed refreshes and a timed-out Admin call: past this the refresh thread is stuck behind the cluster. */
    static final Duration STALE_AFTER = REFRESH_EVERY.multipliedBy(2).plus(ADMIN_TIMEOUT);

    /**
     * One group's lag as last read. {@code lag} and {@code byTopic} come from the newest successful read, taken at
     * {@code readAtMs}, {@code ageMs} ago (-1, -1 and -1: never read). {@code error} says why the newest read failed
     * (null: it succeeded). {@code stale}: the lag is not current (never read, newest read failed, or too old).
     */
    public record GroupLag(String group, long lag, Map<String, Long> byTopic, String error, long readAtMs, long ageMs,
                           boolean stale) {
    }

    /** A successful read. */
    private record Reading(long lag, Map<String, Long> byTopic, long atMs) {
    }

    /** What one read of a group gave: a reading, or why there is none. */
    private record Outcome(Reading reading, String error) {
    }

    private final Admin admin;
    private final List<String> groups;
    private final Duration refreshEvery;
    private final Duration adminTimeout;
    private final long staleAfterMs;
    private final LongSupplier clock;
    private final Map<String, Reading> lastGood = new HashMap<>();
    private final Map<String, String> lastError = new HashMap<>();
    private ScheduledExecutorService refresher;

    public PipelineLag(Admin admin, List<String> groups) {
        this(admin, groups, REFRESH_EVERY, ADMIN_TIMEOUT, STALE_AFTER, System::currentTimeMillis);
    }

    PipelineLag(Admin admin, List<String> groups, Duration refreshEvery, Duration adminTimeout, Duration staleAfter,
                LongSupplier clock) {
        this.admin = admin;
        this.groups = List.copyOf(groups);
        this.refreshEvery = refreshEvery;
        this.adminTimeout = adminTimeout;
        this.staleAfterMs = staleAfter.toMillis();
        this.clock = clock;
    }

    public List<String> groups() {
        return groups;
    }

    /** Starts the background refresh (the first read at once); {@link #close} stops it. */
    public synchronized PipelineLag start() {
        if (refresher == null && !groups.isEmpty()) {
            refresher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "tierscope-pipeline-lag");
                t.setDaemon(true);
                return t;
            });
            refresher.scheduleWithFixedDelay(this::refreshLogged, 0, refreshEvery.toMillis(), TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /** Reads every group's lag from the cluster now, on the caller's thread (the refresher's, or a test's). */
    public void refresh() {
        for (String group : groups) {
            Outcome outcome = read(group);
            synchronized (this) {
                if (outcome.reading() != null) {
                    lastGood.put(group, outcome.reading());
                    lastError.remove(group);
                } else {
                    lastError.put(group, outcome.error());
                }
            }
        }
    }

    /** Every group's last result with its age; never asks the cluster. */
    public synchronized List<GroupLag> snapshot() {
        long now = clock.getAsLong();
        List<GroupLag> out = new ArrayList<>(groups.size());
        for (String group : groups) {
            Reading good = lastGood.get(group);
            String error = lastError.get(group);
            if (good == null) {
                out.add(new GroupLag(group, -1, Map.of(), error != null ? error : "not read yet (the first read is under way)",
                        -1, -1, true));
            } else {
                long age = Math.max(0, now - good.atMs());
                out.add(new GroupLag(group, good.lag(), good.byTopic(), error, good.atMs(), age,
                        error != null || age > staleAfterMs));
            }
        }
        return out;
    }

    /** The current lag of {@code group} in records; -1 while it is unknown or stale. */
    public long currentLagOf(String group) {
        GroupLag g = of(group);
        return g == null || g.stale() ? -1 : g.lag();
    }

    /** Age in milliseconds of the lag shown for {@code group}; -1 before its first successful read. */
    public long ageMsOf(String group) {
        GroupLag g = of(group);
        return g == null ? -1 : g.ageMs();
    }

    private GroupLag of(String group) {
        for (GroupLag g : snapshot()) {
            if (g.group().equals(group)) {
                return g;
            }
        }
        return null;
    }

    @Override
    public void close() {
        ScheduledExecutorService r;
        synchronized (this) {
            r = refresher;
            refresher = null;
        }
        if (r != null) {
            r.shutdownNow(); // interrupts an Admin call in progress
            try {
                if (!r.awaitTermination(adminTimeout.toMillis() + 1000, TimeUnit.MILLISECONDS)) {
                    LOG.warn("the pipeline lag refresh did not stop within {} ms", adminTimeout.toMillis() + 1000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void refreshLogged() {
        try {
            refresh();
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again: keep refreshing.
            LOG.warn("pipeline lag refresh failed", e);
        }
    }

    private Outcome read(String group) {
        // The calls themselves time out (no pile of pending calls while the cluster is down); get() waits a little
        // longer only as a backstop.
        int timeoutMs = (int) adminTimeout.toMillis();
        long backstopMs = timeoutMs + 1000L;
        String noAnswer = "the cluster did not answer within " + timeoutMs + " ms";
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group,
                            new ListConsumerGroupOffsetsOptions().timeoutMs(timeoutMs))
                    .partitionsToOffsetAndMetadata().get(backstopMs, TimeUnit.MILLISECONDS);
            Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
            committed.forEach((tp, offset) -> {
                if (offset != null) {
                    ask.put(tp, OffsetSpec.latest());
                }
            });
            if (ask.isEmpty()) {
                return new Outcome(null, "no committed offsets (the group has not consumed yet)");
            }
            // read_committed: a transactional producer's open transaction is not lag the group could read.
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin
                    .listOffsets(ask, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED).timeoutMs(timeoutMs))
                    .all().get(backstopMs, TimeUnit.MILLISECONDS);
            Map<String, Long> byTopic = new TreeMap<>();
            long total = 0;
            for (TopicPartition tp : ask.keySet()) {
                long lag = Math.max(0, ends.get(tp).offset() - committed.get(tp).offset());
                byTopic.merge(tp.topic(), lag, Long::sum);
                total += lag;
            }
            return new Outcome(new Reading(total, byTopic, clock.getAsLong()), null);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return new Outcome(null, cause instanceof org.apache.kafka.common.errors.TimeoutException ? noAnswer
                    : cause.getClass().getSimpleName() + ": " + cause.getMessage());
        } catch (TimeoutException e) {
            return new Outcome(null, noAnswer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Outcome(null, "interrupted");
        }
    }
}
