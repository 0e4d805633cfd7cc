package io.tierscope.streams.eos;

import static io.tierscope.streams.testing.BrokerOffsets.admin;
import static io.tierscope.streams.testing.BrokerOffsets.committed;
import static io.tierscope.streams.testing.BrokerOffsets.committedOffsets;
import static io.tierscope.streams.testing.BrokerOffsets.endOffsets;
import static io.tierscope.streams.testing.BrokerOffsets.partitions;
import static io.tierscope.streams.testing.BrokerOffsets.readOutputs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.tierscope.platform.Platform;
import io.tierscope.platform.testing.PlatformExtension;
import io.tierscope.streams.SharedInputs;
import io.tierscope.streams.testing.FleetInput;
import io.tierscope.topics.EndOfInput;
import io.tierscope.topics.Topic;
import io.tierscope.topics.TopicProvisioner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly-once as a test. The same deterministic input (by default 16 VMs, 1,024,000 samples in 4,096 batches and
 * 1,024 A/D scans) is processed twice by the real {@code streams} command in a JVM of its own: once without
 * interruption, once SIGKILLed several times mid-run (the second restart with its state directory wiped, so that
 * the stores are rebuilt from the changelogs). The committed outputs (read_committed) of the two runs, MRC history,
 * heat summaries, heat changes and ingest stats, must be equal record for record, per key in order. Each VM's
 * last batch and scan carry the {@link EndOfInput} marker, so its last windows are closed and compared too.
 *
 * <p>Sizes come from system properties so that {@code -Psoak} runs a longer campaign: {@code eos.vms},
 * {@code eos.batches.per.vm}, {@code eos.samples.per.batch}, {@code eos.kills}.
 */
@ExtendWith(PlatformExtension.class)
class ExactlyOnceKillIT {
    private static final long WINDOW_MS = 10_000;
    private static final List<Topic> COMPARED = List.of(Topic.MRC_HISTORY, Topic.HEAT_SUMMARY, Topic.HEAT_CHANGES,
            Topic.INGEST_STATS);

    private final int vms = Integer.getInteger("eos.vms", 16);
    private final int batchesPerVm = Integer.getInteger("eos.batches.per.vm", 256);
    private final int samplesPerBatch = Integer.getInteger("eos.samples.per.batch", 250);
    private final int kills = Integer.getInteger("eos.kills", 3);

    @Test
    void outputsOfARunKilledMidwayEqualThoseOfAnUninterruptedRun(Platform platform, @TempDir Path work) throws Exception {
        String tag = "eos-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        try (Admin admin = admin(platform)) {
            new TopicProvisioner(admin, 3, (short) 1).ensureAll();
        }
        // Both runs start where this test's input starts: the input topics also hold earlier ITs' records, whose
        // clocks (up to the wall clock, 2 h ahead of this input) would drive the tasks' stream time (SharedInputs).
        Map<TopicPartition, Long> inputStart = SharedInputs.endOffsets(platform);
        FleetInput input = new FleetInput(tag, vms, batchesPerVm, samplesPerBatch, WINDOW_MS);
        input.produce(platform);
        long t0 = input.t0();
        List<TopicPartition> inputs = partitions(platform, List.of(Topic.RAW_SAMPLES, Topic.AD_SCANS));
        Map<TopicPartition, Long> inputEnd = endOffsets(platform, inputs);
        Path config = work.resolve("streams.properties");
        Files.writeString(config, String.join("\n",
                "tierscope.mrc.sampling=size:1024",
                "tierscope.mrc.head.pages=1024",
                "commit.interval.ms=500",
                // A killed member holds its partitions until its session times out: keep the restarts short.
                "session.timeout.ms=10000",
                // Wait for every partition of a task to have data before picking the next record by time, so that
                // the order records are processed in (and hence stream time) does not depend on fetch timing.
                "max.task.idle.ms=5000",
                "") + "\n");

        // Generous waits (the box is shared), growing with the input for the soak campaign.
        Duration patience = Duration.ofMinutes(10L * Math.max(1, (long) vms * batchesPerVm * samplesPerBatch / 1_024_000));

        // Run 1: uninterrupted.
        long started = System.nanoTime();
        String refApp = tag + "reference";
        SharedInputs.startAt(platform, refApp, inputStart);
        try (Child ref = Child.start(platform, refApp, work.resolve("state-ref"), config, work.resolve("ref.log"))) {
            awaitCaughtUp(platform, refApp, inputEnd, ref, patience);
            ref.stop();
        }
        long referenceSeconds = (System.nanoTime() - started) / 1_000_000_000;
        List<TopicPartition> outputs = partitions(platform, COMPARED);
        Map<TopicPartition, Long> boundary = endOffsets(platform, outputs);

        // Run 2: the same input, SIGKILLed `kills` times at evenly spaced points of its progress.
        started = System.nanoTime();
        String app = tag + "killed";
        SharedInputs.startAt(platform, app, inputStart);
        Path state = work.resolve("state-killed");
        Path log = work.resolve("killed.log");
        long first = inputStart.values().stream().mapToLong(Long::longValue).sum();
        long total = inputEnd.values().stream().mapToLong(Long::longValue).sum();
        int survived = 0;
        Child child = Child.start(platform, app, state, config, log);
        try {
            for (int k = 1; k <= kills; k++) {
                long target = first + (total - first) * k / (kills + 1);
                awaitProgress(platform, app, inputs, target, child, patience);
                if (committed(platform, app, inputs) >= total) {
                    fail("run 2 finished before kill " + k + "; make the input larger");
                }
                child.kill();
                survived++;
                if (k == 2) {
                    deleteTree(state); // a lost disk: every store is restored from its changelog
                }
                child = Child.start(platform, app, state, config, log);
            }
            awaitCaughtUp(platform, app, inputEnd, child, patience);
            child.stop();
        } finally {
            child.close();
        }
        long killedSeconds = (System.nanoTime() - started) / 1_000_000_000;

        Map<TopicPartition, Long> end = endOffsets(platform, outputs);
        Map<String, Map<String, List<String>>> reference = new TreeMap<>();
        Map<String, Map<String, List<String>>> killed = new TreeMap<>();
        readOutputs(platform, tag, outputs, boundary, end, reference, killed);
        long compared = 0;
        for (Topic topic : COMPARED) {
            Map<String, List<String>> expected = reference.getOrDefault(topic.topicName(), Map.of());
            Map<String, List<String>> actual = killed.getOrDefault(topic.topicName(), Map.of());
            long records = expected.values().stream().mapToLong(List::size).sum();
            assertTrue(records > 0, "the reference run wrote nothing to " + topic.topicName());
            assertEquals(expected.keySet(), actual.keySet(), topic.topicName() + ": keys");
            for (String key : expected.keySet()) {
                List<String> e = expected.get(key);
                List<String> a = actual.get(key);
                assertEquals(e.size(), a.size(), topic.topicName() + " key " + key + ": record count");
                for (int i = 0; i < e.size(); i++) {
                    assertEquals(e.get(i), a.get(i), topic.topicName() + " key " + key + ": record " + i + " differs");
                }
            }
            compared += records;
            System.out.printf("eos: %s: %d records over %d keys equal%n", topic.topicName(), records, expected.size());
        }
        // The end-of-input markers closed every VM's last window: each has all its windows' ingest stats.
        long windowsPerVm = (batchesPerVm * 1000L + WINDOW_MS - 1) / WINDOW_MS;
        for (List<String> stats : reference.get(Topic.INGEST_STATS.topicName()).values()) {
            assertEquals(windowsPerVm, stats.size(), "ingest-stats windows of a VM");
        }
        assertEquals(vms, reference.get(Topic.INGEST_STATS.topicName()).size(), "VMs with ingest stats");
        assertEquals(kills, survived);
        System.out.printf("eos: %d VMs, %d samples in %d batches, %d scans, window starting %d; %d SIGKILLs (one with the"
                        + " state dir wiped); %d output records equal; uninterrupted run %d s, killed run %d s%n",
                vms, (long) vms * batchesPerVm * samplesPerBatch, vms * batchesPerVm, vms * batchesPerVm / 4, t0,
                survived, compared, referenceSeconds, killedSeconds);
    }

    private static void awaitCaughtUp(Platform platform, String app, Map<TopicPartition, Long> end, Child child,
                                      Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Map<TopicPartition, Long> at = committedOffsets(platform, app, end.keySet());
            if (end.entrySet().stream().allMatch(e -> at.getOrDefault(e.getKey(), 0L) >= e.getValue())) {
                return;
            }
            child.assertAlive();
            if (System.nanoTime() > deadline) {
                fail(app + " did not process its input within " + timeout.toMinutes() + " min (committed " + at
                        + ", end " + end + "); log " + child.log);
            }
            Thread.sleep(250);
        }
    }

    private static void awaitProgress(Platform platform, String app, List<TopicPartition> inputs, long target,
                                      Child child, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (committed(platform, app, inputs) < target) {
            child.assertAlive();
            if (System.nanoTime() > deadline) {
                fail(app + " did not reach " + target + " committed input records within " + timeout.toMinutes()
                        + " min; log " + child.log);
            }
            Thread.sleep(100);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** One {@code streams} process on the test's classpath; its stdin is its lifeline to this JVM. */
    private static final class Child implements AutoCloseable {
        final Process process;
        final Path log;

        private Child(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        static Child start(Platform platform, String app, Path state, Path config, Path log) throws IOException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> command = List.of(java, "-Xmx512m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"),
                    StreamsChild.class.getName(), "--bootstrap-servers", platform.bootstrapServers(),
                    "--schema-registry", platform.schemaRegistryUrl(), "--application-id", app,
                    "--state-dir", state.toString(), "--window-seconds", "10", "--grace-seconds", "30",
                    "--partitions", "3", "--config", config.toString());
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            return new Child(process, log);
        }

        void assertAlive() throws IOException {
            if (!process.isAlive()) {
                List<String> lines = Files.readAllLines(log);
                fail("the streams process exited with " + process.exitValue() + "; log tail:\n"
                        + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
            }
        }

        /** SIGKILL: no shutdown hook, no commit, no leaving the group. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor();
        }

        /** SIGTERM: the command closes Kafka Streams cleanly. */
        void stop() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor();
            }
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor();
            }
        }
    }
}
