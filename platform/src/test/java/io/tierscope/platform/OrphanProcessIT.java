package io.tierscope.platform;

import io.tierscope.platform.kafka.BrokerProcess;
import io.tierscope.platform.process.FreePorts;
import io.tierscope.platform.process.JvmClasspath;
import io.tierscope.platform.process.LogTail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A JVM holding an embedded platform is SIGKILLed: its broker and registry (sh wrapper and java)
 * must disappear on their own, and the data dir must stay usable by a new broker.
 */
class OrphanProcessIT {

    @Test
    void childrenDieWithASigkilledParentAndTheDataSurvives(@TempDir Path dir) throws Exception {
        Path dataDir = dir.resolve("platform");
        int[] ports = FreePorts.pick(2);
        int kafkaPort = ports[0];
        int controllerPort = ports[1];
        String topic = "orphan-check";
        Path argFile = JvmClasspath.writeArgFile(dir.resolve("holder.args"), JvmClasspath.current());
        Path holderLog = dir.resolve("holder.log");
        Process holder = new ProcessBuilder(JvmClasspath.javaLauncher().toString(), "-Xmx256m", "@" + argFile,
                PlatformHolderMain.class.getName(), dataDir.toString(), Integer.toString(kafkaPort),
                Integer.toString(controllerPort), topic)
                .redirectError(holderLog.toFile()).start();
        List<ProcessHandle> children = new ArrayList<>();
        try {
            String ready = readyLine(holder, holderLog);
            for (String pid : ready.substring("READY ".length()).split(",")) {
                ProcessHandle.of(Long.parseLong(pid)).ifPresent(children::add);
            }
            List<String> commands = children.stream().map(p -> p.info().command().orElse("?")).toList();
            assertTrue(children.size() >= 3, "expected broker java, registry sh and registry java, got " + commands);

            holder.destroyForcibly(); // SIGKILL: no shutdown hooks run in the holder
            assertTrue(holder.waitFor(10, TimeUnit.SECONDS));

            // The broker exits through its shutdown hooks; the registry's watcher TERMs java and KILLs it 10 s later:
            // 15 s left a loaded 2-core box 5 s of slack. A process that never goes still fails, after 60 s.
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (children.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            List<Long> survivors = children.stream().filter(ProcessHandle::isAlive).map(ProcessHandle::pid).toList();
            assertEquals(List.of(), survivors, "processes outlived their SIGKILLed parent");
        } finally {
            holder.destroyForcibly();
            children.forEach(ProcessHandle::destroyForcibly);
        }

        // Same data dir, same ports, fresh broker: the record written before the kill is still there.
        try (BrokerProcess broker = BrokerProcess.start(dataDir, kafkaPort, controllerPort, Duration.ofMinutes(2))) {
            assertEquals(List.of("written-before-sigkill"),
                    KafkaTestClients.read(broker.bootstrapServers(), topic, "read_committed", 1));
        }
    }

    private static String readyLine(Process holder, Path holderLog) throws Exception {
        CompletableFuture<Optional<String>> line = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8))) {
                String text;
                while ((text = reader.readLine()) != null) {
                    if (text.startsWith("READY ")) {
                        return Optional.of(text);
                    }
                }
                return Optional.empty();
            } catch (java.io.IOException e) {
                return Optional.empty();
            }
        });
        Optional<String> ready;
        try {
            ready = line.get(3, TimeUnit.MINUTES);
        } catch (java.util.concurrent.TimeoutException e) {
            ready = Optional.empty();
        }
        if (ready.isEmpty()) {
            fail("the holder JVM never reported READY; its log:\n" + LogTail.lastLines(holderLog, 40)
                    + "\nchildren: " + Arrays.toString(holder.descendants().map(ProcessHandle::pid).toArray()));
        }
        return ready.get();
    }
}
