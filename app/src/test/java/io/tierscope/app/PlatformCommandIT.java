package io.tierscope.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.platform.EmbeddedPlatform;
import io.tierscope.platform.process.JvmClasspath;
import io.tierscope.platform.testing.PlatformExtension;
import io.tierscope.platform.testing.TestTopics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second {@code tierscope platform} on a data dir a running platform holds: it refuses with one
 * line naming the dir and the holder's pid, exit 1, and the first platform keeps serving.
 */
@ExtendWith(PlatformExtension.class)
class PlatformCommandIT {
    @TempDir
    Path dir;

    @Test
    void aSecondPlatformOnTheSameDataDirRefusesAndTheFirstKeepsServing(EmbeddedPlatform first) throws Exception {
        Path argFile = JvmClasspath.writeArgFile(dir.resolve("cp.args"), JvmClasspath.current());
        Path stdout = dir.resolve("out.txt");
        Path stderr = dir.resolve("err.txt");
        Process second = new ProcessBuilder(JvmClasspath.javaLauncher().toString(), "@" + argFile, Main.class.getName(),
                "platform", "--data-dir", first.dataDir().toString(), "--kafka-port", "0", "--registry-port", "0")
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        second.getOutputStream().close();
        assertTrue(second.waitFor(120, TimeUnit.SECONDS), "the second platform should exit, not run");
        String err = Files.readString(stderr, StandardCharsets.UTF_8);
        assertEquals(1, second.exitValue(), err);
        assertEquals(List.of("tierscope platform: data dir " + first.dataDir().toRealPath()
                + " is in use by another Tierscope platform (pid " + ProcessHandle.current().pid()
                + "): stop that one, or give this one another --data-dir"), err.lines().toList());

        assertTrue(first.brokerRunning());
        String topic = TestTopics.create(first, PlatformExtension.uniqueTopic("lock"), 1);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, first.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "k", "still-serving")).get(60, TimeUnit.SECONDS);
        }
        assertEquals(List.of("still-serving"), read(first.bootstrapServers(), topic));
    }

    private static List<String> read(String bootstrap, String topic) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (values.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}
