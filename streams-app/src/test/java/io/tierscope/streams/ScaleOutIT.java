package io.tierscope.streams;

import static io.tierscope.streams.testing.BrokerOffsets.admin;
import static io.tierscope.streams.testing.BrokerOffsets.committedOffsets;
import static io.tierscope.streams.testing.BrokerOffsets.endOffsets;
import static io.tierscope.streams.testing.BrokerOffsets.partitions;
import static io.tierscope.streams.testing.BrokerOffsets.readOutputs;
import static io.tierscope.streams.testing.BrokerOffsets.startGroupAtEnd;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.tierscope.streams.mrc.MrcSettings;
import io.tierscope.platform.Platform;
import io.tierscope.platform.testing.PlatformExtension;
import io.tierscope.streams.testing.FleetInput;
import io.tierscope.topics.Topic;
import io.tierscope.topics.TopicProvisioner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale-out, Kafka's way: instances of the topology with one application id and their own state directories share
 * the input partitions, i.e. the VMs. A deterministic fleet's input is produced in three pieces while two instances
 * (one standby replica of each store) run; after the first piece one instance stops without leaving the group (to
 * the group, a crash: its partitions move after the session timeout) and the other must take its VMs over; after the
 * second a third instance joins and must be given work. The committed outputs (MRC history, heat summaries, heat
 * changes, ingest stats) must then equal, record for record per key, those of a single instance over the same input.
 * The fail-over gap (stop -> first commit on the stopped instance's partitions by another) is printed.
 *
 * <p>About 1.5 min on an idle 2-core box (3-4 min when shared); {@code -Psoak} runs 48 VMs and 128 s per piece.
 */
@ExtendWith(PlatformExtension.class)
class ScaleOutIT {
    private static final long WINDOW_MS = 10_000;
    // Sizes from system properties: -Psoak runs a longer campaign.
    private static final int VMS = Integer.getInteger("scale.vms", 12);
    private static final int PIECE = Integer.getInteger("scale.piece", 32); // batches per VM per piece: s of event time
    private static final int SAMPLES_PER_BATCH = 250;
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(6);
    private static final Duration PATIENCE = Duration.ofMinutes(5);
    private static final List<Topic> COMPARED = List.of(Topic.MRC_HISTORY, Topic.HEAT_SUMMARY, Topic.HEAT_CHANGES,
            Topic.INGEST_STATS);

    @Test
    void instancesShareTheVmsTakeOverAFailedOnesAndGiveWorkToANewOne(Platform platform, @TempDir Path work) throws Exception {
        String tag = "scale-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        try (Admin admin = admin(platform)) {
            new TopicProvisioner(admin, 3, (short) 1).ensureAll();
        }
        List<TopicPartition> inputs = partitions(platform, List.of(Topic.RAW_SAMPLES, Topic.AD_SCANS));
        String scaledApp = tag + "scaled";
        String referenceApp = tag + "reference";
        // Both groups read only this test's input (the shared broker's topics hold other tests' records).
        startGroupAtEnd(platform, scaledApp, inputs);
        startGroupAtEnd(platform, referenceApp, inputs);
        FleetInput input = new FleetInput(tag, VMS, 3 * PIECE, SAMPLES_PER_BATCH, WINDOW_MS);

        // Scaled run: A and B share the partitions.
        StreamsRunner a = start(platform, scaledApp, work.resolve("a"));
        StreamsRunner b = start(platform, scaledApp, work.resolve("b"));
        StreamsRunner c = null;
        try {
            awaitActive(a, "A");
            awaitActive(b, "B");
            input.produce(platform, 0, PIECE);
            awaitCaughtUp(platform, scaledApp, endOffsets(platform, inputs));
            Set<TopicPartition> ofA = activeInputs(a, inputs);
            Set<TopicPartition> ofB = activeInputs(b, inputs);
            assertFalse(ofA.isEmpty(), "A has input partitions");
            assertFalse(ofB.isEmpty(), "B has input partitions");
            assertTrue(disjoint(ofA, ofB), "A and B share the partitions: " + ofA + " / " + ofB);
            System.out.printf("scale-out: A owns %s, B owns %s%n", ofA, ofB);

            // A fails: B takes its VMs over (warm, from its standby replicas).
            Map<TopicPartition, Long> beforeFailure = committedOffsets(platform, scaledApp, ofA);
            long stopped = System.nanoTime();
            a.streams().close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP)
                    .withTimeout(Duration.ofSeconds(30)));
            input.produce(platform, PIECE, 2 * PIECE);
            long gapMs = awaitProgress(platform, scaledApp, beforeFailure, stopped);
            awaitCaughtUp(platform, scaledApp, endOffsets(platform, inputs));
            assertEquals(Set.copyOf(inputs), activeInputs(b, inputs), "B owns every partition once A is gone");
            System.out.printf("scale-out: fail-over gap %d ms (A stopped without leaving the group; session timeout %d s,"
                    + " one standby replica)%n", gapMs, SESSION_TIMEOUT.toSeconds());

            // C joins: it is given some of B's partitions and processes them.
            long joined = System.nanoTime();
            c = start(platform, scaledApp, work.resolve("c"));
            awaitActive(c, "C");
            long rebalanceMs = (System.nanoTime() - joined) / 1_000_000;
            Set<TopicPartition> ofC = activeInputs(c, inputs);
            Map<TopicPartition, Long> beforeC = committedOffsets(platform, scaledApp, ofC);
            input.produce(platform, 2 * PIECE, 3 * PIECE);
            awaitCaughtUp(platform, scaledApp, endOffsets(platform, inputs));
            Map<TopicPartition, Long> afterC = committedOffsets(platform, scaledApp, ofC);
            assertTrue(ofC.stream().anyMatch(tp -> afterC.getOrDefault(tp, 0L) > beforeC.getOrDefault(tp, 0L)),
                    "C processed its partitions " + ofC);
            assertTrue(disjoint(ofC, activeInputs(b, inputs)), "B and C share the partitions");
            System.out.printf("scale-out: C joined and owns %s after %d ms; B keeps %s%n", ofC, rebalanceMs, activeInputs(b, inputs));
        } finally {
            a.close();
            b.close();
            if (c != null) {
                c.close();
            }
        }

        // Reference: one instance over the same input.
        List<TopicPartition> outputs = partitions(platform, COMPARED);
        Map<TopicPartition, Long> boundary = endOffsets(platform, outputs);
        StreamsRunner single = start(platform, referenceApp, work.resolve("single"));
        try {
            awaitCaughtUp(platform, referenceApp, endOffsets(platform, inputs));
        } finally {
            single.close();
        }
        Map<TopicPartition, Long> end = endOffsets(platform, outputs);
        Map<String, Map<String, List<String>>> scaled = new TreeMap<>();
        Map<String, Map<String, List<String>>> reference = new TreeMap<>();
        readOutputs(platform, tag, outputs, boundary, end, scaled, reference);
        long compared = 0;
        for (Topic topic : COMPARED) {
            Map<String, List<String>> expected = reference.getOrDefault(topic.topicName(), Map.of());
            Map<String, List<String>> actual = scaled.getOrDefault(topic.topicName(), Map.of());
            long records = expected.values().stream().mapToLong(List::size).sum();
            assertTrue(records > 0, "the single instance wrote nothing to " + topic.topicName());
            assertEquals(expected.keySet(), actual.keySet(), topic.topicName() + ": keys");
            for (String key : expected.keySet()) {
                assertEquals(expected.get(key), actual.get(key), topic.topicName() + " key " + key);
            }
            compared += records;
        }
        assertEquals(VMS, reference.get(Topic.INGEST_STATS.topicName()).size(), "VMs with ingest stats");
        System.out.printf("scale-out: %d output records of %d VMs equal to a single instance's%n", compared, VMS);
    }

    private static StreamsRunner start(Platform platform, String app, Path state) throws InterruptedException {
        Properties props = StreamsRunner.streamsProperties(platform.bootstrapServers(), app, state, Map.of(
                "tierscope.mrc.sampling", "size:1024",
                "commit.interval.ms", "500",
                "num.standby.replicas", "1",
                "session.timeout.ms", Long.toString(SESSION_TIMEOUT.toMillis()),
                // Pick records by time only once every partition of a task has data, so that the order records are
                // processed in does not depend on fetch timing (or on which instance fetches).
                "max.task.idle.ms", "5000"));
        StreamsAppConfig config = StreamsAppConfig.from(Map.of(StreamsAppConfig.WINDOW_MS, Long.toString(WINDOW_MS),
                StreamsAppConfig.GRACE_MS, "30000", MrcSettings.MRC_SAMPLING, "size:1024"));
        return StreamsRunner.start(props, config, platform.schemaRegistryUrl(), 3, (short) 1, Duration.ofMinutes(2));
    }

    /** The input partitions of the instance's active tasks. */
    private static Set<TopicPartition> activeInputs(StreamsRunner runner, List<TopicPartition> inputs) {
        Set<TopicPartition> out = new HashSet<>();
        for (ThreadMetadata thread : runner.streams().metadataForLocalThreads()) {
            for (TaskMetadata task : thread.activeTasks()) {
                task.topicPartitions().stream().filter(inputs::contains).forEach(out::add);
            }
        }
        return out;
    }

    private static void awaitActive(StreamsRunner runner, String name) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (runner.state() != KafkaStreams.State.RUNNING || runner.streams().metadataForLocalThreads().stream()
                .allMatch(t -> t.activeTasks().isEmpty())) {
            if (System.nanoTime() > deadline) {
                fail(name + " was given no active task within " + PATIENCE.toMinutes() + " min (state " + runner.state() + ")");
            }
            Thread.sleep(100);
        }
    }

    private static void awaitCaughtUp(Platform platform, String app, Map<TopicPartition, Long> end) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            Map<TopicPartition, Long> at = committedOffsets(platform, app, end.keySet());
            if (end.entrySet().stream().allMatch(e -> at.getOrDefault(e.getKey(), 0L) >= e.getValue())) {
                return;
            }
            if (System.nanoTime() > deadline) {
                fail(app + " did not process its input within " + PATIENCE.toMinutes() + " min (committed " + at + ", end " + end + ")");
            }
            Thread.sleep(100);
        }
    }

    /** Waits for a commit past {@code before} on every one of its partitions that has new input; ms since {@code sinceNanos}. */
    private static long awaitProgress(Platform platform, String app, Map<TopicPartition, Long> before, long sinceNanos)
            throws Exception {
        Map<TopicPartition, Long> end = endOffsets(platform, List.copyOf(before.keySet()));
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (true) {
            Map<TopicPartition, Long> at = committedOffsets(platform, app, before.keySet());
            if (before.entrySet().stream().allMatch(e -> end.get(e.getKey()) <= e.getValue()
                    || at.getOrDefault(e.getKey(), 0L) > e.getValue())) {
                return (System.nanoTime() - sinceNanos) / 1_000_000;
            }
            if (System.nanoTime() > deadline) {
                fail("the failed instance's partitions " + before.keySet() + " saw no commit within " + PATIENCE.toMinutes() + " min");
            }
            Thread.sleep(50);
        }
    }

    private static boolean disjoint(Set<TopicPartition> x, Set<TopicPartition> y) {
        return x.stream().noneMatch(y::contains);
    }
}
