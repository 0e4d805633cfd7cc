package io.tierscope.platform;

import io.tierscope.platform.testing.PlatformExtension;
import io.tierscope.platform.testing.TestTopics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;

@ExtendWith(PlatformExtension.class)
class KafkaTransactionsIT {

    @Test
    void readCommittedSeesCommittedTransactionsOnlyAndReadUncommittedSeesAll(Platform platform) {
        String topic = TestTopics.create(platform, PlatformExtension.uniqueTopic("tx"), 1);
        try (KafkaProducer<String, String> producer = KafkaTestClients.producer(platform.bootstrapServers(),
                Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, topic + "-producer"))) {
            producer.initTransactions();
            sendInTransaction(producer, topic, "committed", 0, 5);
            producer.commitTransaction();
            sendInTransaction(producer, topic, "aborted", 0, 3);
            producer.flush();
            producer.abortTransaction();
            sendInTransaction(producer, topic, "committed", 5, 10);
            producer.commitTransaction();
        }

        List<String> committed = IntStream.range(0, 10).mapToObj(i -> "committed-" + i).toList();
        assertEquals(committed, KafkaTestClients.read(platform.bootstrapServers(), topic, "read_committed", 10));

        List<String> everything = new ArrayList<>(committed.subList(0, 5));
        IntStream.range(0, 3).mapToObj(i -> "aborted-" + i).forEach(everything::add);
        everything.addAll(committed.subList(5, 10));
        assertEquals(everything, KafkaTestClients.read(platform.bootstrapServers(), topic, "read_uncommitted", 13));
    }

    private static void sendInTransaction(KafkaProducer<String, String> producer, String topic, String prefix,
                                          int from, int to) {
        producer.beginTransaction();
        for (int i = from; i < to; i++) {
            producer.send(new ProducerRecord<>(topic, prefix + "-" + i));
        }
    }
}
