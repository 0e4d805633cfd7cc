package io.tierscope.streams.eos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.avro.AdScan;
import io.tierscope.avro.SampleBatch;
import io.tierscope.avro.SampleSource;
import io.tierscope.avro.ScanSource;
import io.tierscope.platform.Platform;
import io.tierscope.platform.testing.PlatformExtension;
import io.tierscope.schemas.SampleCodec;
import io.tierscope.schemas.serde.SchemaRegistryClient;
import io.tierscope.schemas.serde.SpecificAvroSerializer;
import io.tierscope.streams.StreamsAppConfig;
import io.tierscope.streams.TierscopeTopology;
import io.tierscope.streams.TopologySerdes;
import io.tierscope.streams.heat.HeatStores;
import io.tierscope.streams.heat.StoredChunkBytes;
import io.tierscope.streams.ingest.IngestStatsProcessor;
import io.tierscope.streams.mrc.MrcProcessor;
import io.tierscope.streams.state.SnapshotOnCommitStore;
import io.tierscope.topics.Topic;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bounded resources with 1,000 VMs in one streams instance (one task, the worst case): the heap the topology holds
 * per VM (after GC, at steady state) and the state-store bytes per VM are measured and printed, the in-memory MRC
 * engines stay at the cache bound whatever the VMs, and VMs that went quiet are expired from every store.
 * The VM count comes from {@code bounded.vms} (default 1000).
 */
@ExtendWith(PlatformExtension.class)
class BoundedResourcesIT {
    private static final int VMS = Integer.getInteger("bounded.vms", 1000);
    private static final int SAMPLES = 1024;
    private static final int SCAN_PAGES = 4096;
    private static final long RETENTION_MS = 120_000;
    private static final List<String> STORES = List.of(MrcProcessor.ENGINES_STORE, MrcProcessor.WINDOWS_STORE,
            IngestStatsProcessor.OPEN_WINDOWS_STORE, IngestStatsProcessor.PROGRESS_STORE,
            HeatStores.CHUNKS, HeatStores.VMS);

    @Test
    void aThousandVmsFitInBoundedHeapAndQuietVmsAreExpired(Platform platform, @TempDir Path state) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "bounded-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, state.toString());
        Map<String, String> settings = new HashMap<>();
        settings.put(StreamsAppConfig.WINDOW_MS, "10000");
        settings.put(StreamsAppConfig.MRC_IDLE_RETENTION_MS, Long.toString(RETENTION_MS));
        settings.put(StreamsAppConfig.HEAT_TTL_MS, Long.toString(RETENTION_MS));
        StreamsAppConfig config = StreamsAppConfig.from(settings);
        SpecificAvroSerializer<SpecificRecord> serializer =
                new SpecificAvroSerializer<>(new SchemaRegistryClient(platform.schemaRegistryUrl(), 5000), true);
        long heapBefore = heapAfterGc();
        long heapHalf;
        long heapLoaded;
        Map<String, long[]> storeBytes = new LinkedHashMap<>(); // store -> {entries, key + value bytes}
        try (TopologyTestDriver driver = new TopologyTestDriver(
                TierscopeTopology.build(config, new TopologySerdes(platform.schemaRegistryUrl())), props)) {
            TestInputTopic<byte[], byte[]> samples = driver.createInputTopic(Topic.RAW_SAMPLES.topicName(),
                    new ByteArraySerializer(), new ByteArraySerializer());
            TestInputTopic<byte[], byte[]> scans = driver.createInputTopic(Topic.AD_SCANS.topicName(),
                    new ByteArraySerializer(), new ByteArraySerializer());
            Random random = new Random(7);
            // Half the VMs send for three windows, then the other half for the next three (the first half is quiet
            // but within retention): the heap added by the second half is what a VM costs beyond the engine cache.
            int half = VMS / 2;
            send(driver, samples, scans, serializer, random, 0, half, 1_000);
            heapHalf = heapAfterGc();
            send(driver, samples, scans, serializer, random, half, VMS, 31_000);
            heapLoaded = heapAfterGc();
            for (String store : STORES) {
                storeBytes.put(store, bytesOf(storeOf(driver, store)));
            }
            long mrcEngines = storeBytes.get(MrcProcessor.ENGINES_STORE)[0];
            assertEquals(VMS, mrcEngines, "every VM has its MRC engine in the store");

            // One VM keeps sending past the retention: every other VM is expired from every store.
            String clock = "vm-0";
            for (long t = 61_000; t <= 61_000 + RETENTION_MS + 30_000; t += 5_000) {
                samples.pipeInput(key(clock), serializer.serialize(Topic.RAW_SAMPLES.topicName(),
                        batch(clock, t / 1_000, t, random)), t);
                scans.pipeInput(key(clock), serializer.serialize(Topic.AD_SCANS.topicName(),
                        scan(clock, t / 4_000 + 100, t, random)), t);
                drainOutputs(driver);
            }
            for (String store : STORES) {
                long[] left = bytesOf(storeOf(driver, store));
                assertTrue(left[0] <= 4, store + " still holds " + left[0] + " entries after every VM but one went quiet");
            }
        }
        long logical = storeBytes.values().stream().mapToLong(b -> b[1]).sum();
        long perVm = (heapLoaded - heapHalf) / (VMS - VMS / 2);
        System.out.printf("bounded: %d VMs in one task, %d MRC engines cached: heap %.1f MiB with %d VMs, %.1f MiB with %d"
                        + " (after GC, above the %.1f MiB before the driver); %.1f KiB per VM beyond the cache%n",
                VMS, config.mrc().cachedEngines(), (heapHalf - heapBefore) / 1048576.0, VMS / 2,
                (heapLoaded - heapBefore) / 1048576.0, VMS, heapBefore / 1048576.0, perVm / 1024.0);
        System.out.printf("bounded: state %.1f KiB per VM (key + value bytes)%n", logical / 1024.0 / VMS);
        storeBytes.forEach((store, b) -> System.out.printf("bounded:   %-22s %6d entries %8.1f KiB per VM%n", store, b[0],
                b[1] / 1024.0 / VMS));
        assertTrue(perVm < 64 * 1024, "each VM beyond the engine cache added " + perVm + " bytes of heap");
    }

    /** VMs [from, to) send a batch every 2 s and a scan every 4 s for three windows from {@code t0}. */
    private static void send(TopologyTestDriver driver, TestInputTopic<byte[], byte[]> samples,
                             TestInputTopic<byte[], byte[]> scans, SpecificAvroSerializer<SpecificRecord> serializer,
                             Random random, int from, int to, long t0) {
        for (long t = t0; t < t0 + 29_000; t += 2_000) {
            for (int v = from; v < to; v++) {
                String vm = "vm-" + v;
                samples.pipeInput(key(vm), serializer.serialize(Topic.RAW_SAMPLES.topicName(),
                        batch(vm, t / 2_000, t, random)), t);
                if ((t - t0) % 4_000 == 0) {
                    scans.pipeInput(key(vm), serializer.serialize(Topic.AD_SCANS.topicName(),
                            scan(vm, t / 4_000, t, random)), t);
                }
                if (v % 50 == 49) {
                    drainOutputs(driver);
                }
            }
        }
        drainOutputs(driver);
    }

    /**
     * The test driver keeps every record written to any topic (outputs and changelogs) until read: read them
     * away, so that the heap measured is the topology's, not the driver's capture of its output.
     */
    private static void drainOutputs(TopologyTestDriver driver) {
        for (String topic : driver.producedTopicNames()) {
            driver.createOutputTopic(topic, new ByteArrayDeserializer(), new ByteArrayDeserializer()).readRecordsToList();
        }
    }

    /** A key-value store's contents; for a store of live engines, their snapshots as of the last commit. */
    @SuppressWarnings("unchecked")
    private static KeyValueStore<Object, Object> storeOf(TopologyTestDriver driver, String name) {
        return driver.getAllStateStores().get(name) instanceof SnapshotOnCommitStore<?> live
                ? (KeyValueStore<Object, Object>) (KeyValueStore<?, ?>) live.stored() : driver.getKeyValueStore(name);
    }

    private static long[] bytesOf(KeyValueStore<Object, Object> store) {
        long entries = 0;
        long bytes = 0;
        try (KeyValueIterator<Object, Object> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<Object, Object> kv = it.next();
                entries++;
                bytes += sizeOf(kv.key) + sizeOf(kv.value);
            }
        }
        return new long[] {entries, bytes};
    }

    /** Serialized size: byte arrays as they are, strings as UTF-8, stored heat chunks as stored, fixed records (16-byte progress) and Avro by toString. */
    private static long sizeOf(Object o) {
        if (o instanceof byte[] b) {
            return b.length;
        }
        if (o instanceof String s) {
            return s.getBytes(StandardCharsets.UTF_8).length;
        }
        long chunkBytes = StoredChunkBytes.of(o);
        if (chunkBytes >= 0) {
            return chunkBytes;
        }
        if (o instanceof SpecificRecord r) {
            return r.toString().length() / 2; // Avro binary is about half its JSON text; a rough figure
        }
        return 16;
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static byte[] key(String vm) {
        return vm.getBytes(StandardCharsets.UTF_8);
    }

    private static SampleBatch batch(String vm, long seq, long endMs, Random random) {
        long[] gfns = new long[SAMPLES];
        byte[] xwr = new byte[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            gfns[i] = random.nextInt(4) == 0 ? random.nextInt(1 << 20) : random.nextInt(4096);
            xwr[i] = SampleCodec.READ;
        }
        return SampleBatch.newBuilder().setVmId(vm).setHost("bounded-host").setSource(SampleSource.SYNTHETIC)
                .setBatchSeq(seq).setStartTimeMs(endMs - 999).setEndTimeMs(endMs).setSampleCount(SAMPLES)
                .setSamples(SampleCodec.encode(gfns, xwr, SAMPLES)).build();
    }

    private static AdScan scan(String vm, long seq, long timeMs, Random random) {
        byte[] accessed = new byte[SCAN_PAGES / 8];
        random.nextBytes(accessed);
        return AdScan.newBuilder().setVmId(vm).setHost("bounded-host").setSource(ScanSource.SYNTHETIC).setScanSeq(seq)
                .setTimeMs(timeMs).setPeriodMs(4000).setBaseGfn(0).setPageCount(SCAN_PAGES)
                .setAccessed(ByteBuffer.wrap(accessed)).build();
    }
}
