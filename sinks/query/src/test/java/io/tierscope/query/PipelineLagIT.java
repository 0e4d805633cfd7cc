package io.tierscope.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.platform.Platform;
import io.tierscope.platform.testing.PlatformExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Consumer lag as the dashboard shows it, against the real broker: committed offsets, read_committed ends. */
@ExtendWith(PlatformExtension.class)
class PipelineLagIT {

    @Test
    void lagIsCommittedEndMinusCommittedOffsetPerTopicAndOpenTransactionsAreNotLag(Platform platform) throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String topic = "lag-it-" + run;
        String group = "lag-it-group-" + run;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", platform.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers());
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "lag-it-tx-" + run);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
                producer.initTransactions();
                producer.beginTransaction();
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>(topic, i % 2, "k", "v" + i));
                }
                producer.commitTransaction();
                // Committed: 5 records + 1 commit marker per partition; the group has read 2 of partition 0's.
                admin.alterConsumerGroupOffsets(group, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(2),
                        new TopicPartition(topic, 1), new OffsetAndMetadata(6))).all().get();
                AtomicLong clock = new AtomicLong(0);
                PipelineLag lag = new PipelineLag(admin, List.of(group, "lag-it-never-" + run), Duration.ofSeconds(5), clock::get);

                List<PipelineLag.GroupLag> first = lag.current();
                assertEquals(2, first.size());
                PipelineLag.GroupLag g = first.get(0);
                assertNull(g.error(), g.error());
                assertEquals(4, g.lag(), "partition 0: end 6 (5 records + marker) - committed 2; partition 1 caught up");
                assertEquals(Map.of(topic, 4L), g.byTopic());
                PipelineLag.GroupLag never = first.get(1);
                assertEquals(-1, never.lag());
                assertNotNull(never.error(), "a group without commits says so");

                // An open transaction is not lag: its records are invisible to a read_committed group.
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topic, 0, "k", "open")).get();
                producer.flush();
                clock.set(5_000);
                assertEquals(4, lag.lagOf(group));
                producer.commitTransaction();
                clock.set(6_000);
                assertEquals(4, lag.lagOf(group), "cached for maxAge");
                clock.set(10_000);
                assertEquals(6, lag.lagOf(group), "the committed record and its marker now count");
            }
        }
    }
}
