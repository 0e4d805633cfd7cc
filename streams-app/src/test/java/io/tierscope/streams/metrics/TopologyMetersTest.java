package io.tierscope.streams.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tierscope.avro.SampleBatch;
import io.tierscope.avro.SampleSource;
import io.tierscope.schemas.SampleCodec;
import io.tierscope.schemas.serde.InMemorySchemaRegistry;
import io.tierscope.schemas.serde.SchemaRegistry;
import io.tierscope.schemas.serde.SpecificAvroSerializer;
import io.tierscope.streams.StreamsAppConfig;
import io.tierscope.streams.TierscopeTopology;
import io.tierscope.streams.TopologySerdes;
import io.tierscope.topics.Topic;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The topology's own counters, read the way Prometheus gets them: through {@link TopologyMeters} (in-memory registry). */
class TopologyMetersTest {
    private static final long WALL_CLOCK = 1_700_000_000_000L;
    private static final long HOUR = 3_600_000L;

    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> samples;
    private SpecificAvroSerializer<SampleBatch> serializer;
    private SimpleMeterRegistry meterRegistry;
    private TopologyMeters meters;

    @BeforeEach
    void setUp() {
        SchemaRegistry registry = new InMemorySchemaRegistry();
        StreamsAppConfig config = new StreamsAppConfig(Duration.ofSeconds(10), Duration.ofSeconds(2), "xwr");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "meters-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(TierscopeTopology.build(config, new TopologySerdes(registry)),
                props, Instant.ofEpochMilli(WALL_CLOCK));
        serializer = new SpecificAvroSerializer<>(registry, true);
        samples = driver.createInputTopic(Topic.RAW_SAMPLES.topicName(), new ByteArraySerializer(), new ByteArraySerializer());
        meterRegistry = new SimpleMeterRegistry();
        meters = TopologyMeters.bind(meterRegistry, driver::metrics);
    }

    @AfterEach
    void tearDown() {
        meters.close();
        driver.close();
    }

    @Test
    void deadLettersAreCountedByKindOfReason() {
        long t = WALL_CLOCK - 60_000;
        send("vm-1", batch("vm-1", 0, t, 4, 0));
        samples.pipeInput(null, bytes(batch("vm-1", 1, t, 4, 0)), t);                        // no key
        samples.pipeInput(key("vm-1"), null, t);                                              // no value
        samples.pipeInput(key("vm-1"), new byte[] {9, 9, 9}, t);                               // not Avro
        samples.pipeInput(key("vm-1"), new byte[] {0, 0, 0, 0, 1}, t);                         // not Avro either
        SampleBatch inconsistent = batch("vm-1", 2, t, 4, 0);
        inconsistent.setSampleCount(5);
        send("vm-1", inconsistent);                                                            // out of range
        send("vm-1", batch("vm-1", 3, WALL_CLOCK + 2 * HOUR, 4, 0));                          // 2 h ahead
        send("vm-1", batch("vm-1", 4, t - 8 * 24 * HOUR, 4, 0));                              // 8 days behind

        assertEquals(Map.of("bad-key", 1.0, "no-value", 1.0, "undecodable", 2.0, "out-of-range", 1.0,
                "too-far-ahead", 1.0, "too-far-behind", 1.0, "exception", 0.0), deadLettersByReason());
    }

    @Test
    void windowsClosedAndLateBatchesAreCountedPerOutput() {
        long base = (WALL_CLOCK - 120_000) / 10_000 * 10_000; // a window boundary two minutes ago
        send("vm-1", batch("vm-1", 0, base + 1_000, 4, 0));
        send("vm-2", batch("vm-2", 0, base + 2_000, 4, 0));
        send("vm-1", batch("vm-1", 1, base + 13_000, 4, 0)); // closes [base, base+10 s) for both VMs
        send("vm-1", batch("vm-1", 2, base + 5_000, 4, 0));  // late: its window has closed

        assertEquals(2.0, counter("tierscope.streams.windows.closed", "output", "ingest"));
        assertEquals(2.0, counter("tierscope.streams.windows.closed", "output", "mrc"));
        assertEquals(1.0, counter("tierscope.streams.late.batches", "output", "ingest"));
        assertEquals(1.0, counter("tierscope.streams.late.batches", "output", "mrc"));
        assertEquals(0.0, counter("tierscope.streams.windows.closed", "output", "heat"), "no scans, no heat summaries");
    }

    @Test
    void eventLagIsPerVmAndTheWorstIsAGauge() {
        long base = (WALL_CLOCK - 60_000) / 10_000 * 10_000; // one window, so that no batch is late
        send("vm-1", batch("vm-1", 0, base + 5_000, 4, 0));
        send("vm-2", batch("vm-2", 0, base + 1_000, 4, 0));
        send("vm-1", batch("vm-1", 1, base + 8_000, 4, 0)); // the newest batch of a VM sets its lag

        double vm1 = (WALL_CLOCK - base - 8_000) / 1000.0;
        double vm2 = (WALL_CLOCK - base - 1_000) / 1000.0;
        assertEquals(Map.of("vm-1", vm1, "vm-2", vm2), meters.vmLagSeconds());
        assertEquals(vm2, meterRegistry.get("tierscope.streams.vm.event.lag.max").gauge().value());
    }

    @Test
    void prometheusScrapeNamesThemTierscopeStreams() {
        io.micrometer.prometheusmetrics.PrometheusMeterRegistry prometheus = io.tierscope.metrics.Metrics.newRegistry("streams");
        try (TopologyMeters served = TopologyMeters.bind(prometheus, driver::metrics)) {
            samples.pipeInput(key("vm-1"), new byte[] {9, 9, 9}, WALL_CLOCK);
            send("vm-1", batch("vm-1", 0, WALL_CLOCK - 1_000, 4, 0));
            String text = io.tierscope.metrics.Metrics.scrape(prometheus);
            assertEquals(1, text.lines().filter(l -> l.startsWith("tierscope_streams_dead_letters_total{")
                    && l.contains("reason=\"undecodable\"") && l.endsWith(" 1.0")).count(), text);
            assertEquals(1, text.lines().filter(l -> l.startsWith("tierscope_streams_vm_event_lag_max_seconds{")
                    && l.endsWith(" 1.0")).count(), text);
        }
    }

    private Map<String, Double> deadLettersByReason() {
        Map<String, Double> out = new java.util.TreeMap<>();
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            out.put(reason.label(), counter("tierscope.streams.dead.letters", "reason", reason.label()));
        }
        return out;
    }

    private double counter(String name, String tag, String value) {
        return meterRegistry.get(name).tag(tag, value).functionCounter().count();
    }

    private void send(String vm, SampleBatch b) {
        samples.pipeInput(key(vm), bytes(b), b.getEndTimeMs());
    }

    private byte[] bytes(SampleBatch b) {
        return serializer.serialize(Topic.RAW_SAMPLES.topicName(), b);
    }

    private static byte[] key(String vm) {
        return vm.getBytes(StandardCharsets.UTF_8);
    }

    private static SampleBatch batch(String vm, long seq, long endMs, int n, long dropped) {
        long[] gfns = new long[n];
        byte[] xwr = new byte[n];
        for (int i = 0; i < n; i++) {
            gfns[i] = i;
            xwr[i] = SampleCodec.READ;
        }
        ByteBuffer packed = SampleCodec.encode(gfns, xwr, n);
        return SampleBatch.newBuilder().setVmId(vm).setHost("h").setSource(SampleSource.SYNTHETIC).setBatchSeq(seq)
                .setStartTimeMs(Math.max(0, endMs - 100)).setEndTimeMs(endMs).setSampleCount(n).setSamples(packed)
                .setDroppedSinceLastBatch(dropped).build();
    }
}
