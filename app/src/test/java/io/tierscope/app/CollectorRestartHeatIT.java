package io.tierscope.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.analytics.heat.GapPolicy;
import io.tierscope.analytics.heat.HeatTable;
import io.tierscope.avro.AdScan;
import io.tierscope.avro.HeatSummary;
import io.tierscope.collector.produce.Collector;
import io.tierscope.collector.produce.CollectorSettings;
import io.tierscope.collector.produce.MetricsSnapshot;
import io.tierscope.collector.source.ScanSink;
import io.tierscope.collector.source.ScanSource;
import io.tierscope.platform.Platform;
import io.tierscope.platform.testing.PlatformExtension;
import io.tierscope.schemas.ScanSequence;
import io.tierscope.schemas.serde.SchemaRegistryClient;
import io.tierscope.schemas.serde.SpecificAvroDeserializer;
import io.tierscope.schemas.serde.SpecificAvroSerializer;
import io.tierscope.streams.StreamsAppConfig;
import io.tierscope.streams.StreamsRunner;
import io.tierscope.streams.heat.HeatConfig;
import io.tierscope.topics.Topic;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A VM's collector is stopped and a new one started (numbering its scan periods from 0 again):
 * through the real broker and the topology, heat keeps applying the new run's scans, while a
 * genuinely replayed scan of the old run is still ignored.
 */
@ExtendWith(PlatformExtension.class)
class CollectorRestartHeatIT {
    private static final int PERIODS = 3;
    private static final int PAGES = 64;

    @TempDir
    Path tmp;

    @Test
    void aRestartedCollectorsScansKeepDrivingHeatAndAReplayedOldScanIsStillIgnored(Platform platform) throws Exception {
        String vm = PlatformExtension.uniqueTopic("restart-vm");
        StreamsAppConfig config = new StreamsAppConfig(Duration.ofSeconds(10), Duration.ofSeconds(1), "xwr")
                .withHeat(new HeatConfig(PAGES, HeatTable.fsm5(), GapPolicy.IDLE, Duration.ofMinutes(10), 3));
        SchemaRegistryClient registry = new SchemaRegistryClient(platform.schemaRegistryUrl(), 10_000);
        try (StreamsRunner runner = StreamsRunner.start(StreamsRunner.streamsProperties(platform.bootstrapServers(),
                     "restart-it-" + UUID.randomUUID(), tmp.resolve("state"), Map.of("commit.interval.ms", "200")),
                     config, platform.schemaRegistryUrl(), 2, (short) 1, Duration.ofMinutes(2));
             KafkaConsumer<String, byte[]> summaries = reader(platform, Topic.HEAT_SUMMARY, "read_committed");
             KafkaConsumer<String, byte[]> scans = reader(platform, Topic.AD_SCANS, "read_uncommitted");
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
                     new StringSerializer(), new ByteArraySerializer())) {
            runCollector(platform, vm);
            Thread.sleep(5); // a restart takes longer than the millisecond an incarnation is measured in
            runCollector(platform, vm);

            SpecificAvroDeserializer<AdScan> scanDe = new SpecificAvroDeserializer<>(AdScan.class, registry);
            List<ConsumerRecord<String, byte[]>> published = poll(scans, vm, 2 * PERIODS);
            List<AdScan> runs = published.stream().map(r -> scanDe.deserialize(r.topic(), r.value()))
                    .sorted(Comparator.comparingLong(AdScan::getScanSeq)).toList();
            assertEquals(List.of(0L, 1L, 2L, 0L, 1L, 2L), runs.stream().map(s -> ScanSequence.counter(s.getScanSeq())).toList(),
                    "each run numbers its periods from 0, and the second run's sort after the first's");
            // A genuine replay: the old run's first scan, byte for byte, once more.
            ConsumerRecord<String, byte[]> oldest = published.stream()
                    .filter(r -> scanDe.deserialize(r.topic(), r.value()).getScanSeq() == runs.get(0).getScanSeq())
                    .findFirst().orElseThrow();
            producer.send(new ProducerRecord<>(Topic.AD_SCANS.topicName(), null, oldest.timestamp(), vm, oldest.value())).get();
            // A scan of a later window closes the runs' window(s).
            long later = System.currentTimeMillis() + 60_000;
            AdScan closer = AdScan.newBuilder(runs.get(0)).setScanSeq(ScanSequence.of(later, 0)).setTimeMs(later).build();
            producer.send(new ProducerRecord<>(Topic.AD_SCANS.topicName(), null, later, vm,
                    new SpecificAvroSerializer<AdScan>(registry, true).serialize(Topic.AD_SCANS.topicName(), closer))).get();

            SpecificAvroDeserializer<HeatSummary> summaryDe = new SpecificAvroDeserializer<>(HeatSummary.class, registry);
            long applied = 0;
            long duplicates = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (applied + duplicates < 2 * PERIODS + 1 && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : summaries.poll(Duration.ofMillis(500))) {
                    if (vm.equals(r.key())) {
                        HeatSummary s = summaryDe.deserialize(r.topic(), r.value());
                        applied += s.getScansApplied();
                        duplicates += s.getDuplicateScans();
                    }
                }
            }
            assertEquals(2 * PERIODS, applied, "every scan of both runs was applied");
            assertEquals(1, duplicates, "only the replayed scan was a duplicate");
        }
    }

    /** One collector run: three scan periods of the VM's 64 pages, then stop. */
    private static void runCollector(Platform platform, String vm) throws InterruptedException {
        Collector collector = Collector.create(CollectorSettings.builder().bootstrapServers(platform.bootstrapServers())
                .schemaRegistryUrl(platform.schemaRegistryUrl()).host("restart-it").metricsIntervalMs(0).build());
        collector.addScans(vm, new ThreePeriods(), io.tierscope.avro.ScanSource.SYNTHETIC, false);
        collector.start();
        assertTrue(collector.awaitSourcesEnded(Duration.ofSeconds(60)));
        MetricsSnapshot m = collector.stop(Duration.ofSeconds(60));
        assertEquals(PERIODS, m.scansPublished(), m.format());
    }

    /** Pages 0-3 accessed in each of three 100 ms periods. */
    private static final class ThreePeriods implements ScanSource {
        private int period;

        @Override
        public int periodMs() {
            return 100;
        }

        @Override
        public boolean scan(ScanSink sink) throws InterruptedException {
            if (period++ == PERIODS) {
                return false;
            }
            Thread.sleep(periodMs());
            byte[] accessed = new byte[PAGES / 8];
            accessed[0] = 0x0f;
            sink.chunk(0, PAGES, accessed, null);
            return true;
        }

        @Override
        public void close() {
        }
    }

    private static List<ConsumerRecord<String, byte[]>> poll(KafkaConsumer<String, byte[]> consumer, String vm, int count) {
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (out.size() < count && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                if (vm.equals(r.key())) {
                    out.add(r);
                }
            }
        }
        assertEquals(count, out.size(), "scans of " + vm + " on the topic");
        return out;
    }

    private static KafkaConsumer<String, byte[]> reader(Platform platform, Topic topic, String isolation) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation,
                ConsumerConfig.GROUP_ID_CONFIG, "restart-it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic.topicName()));
        return consumer;
    }
}
