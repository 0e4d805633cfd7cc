package io.tierscope.collector.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.avro.AdScan;
import io.tierscope.avro.SampleBatch;
import io.tierscope.collector.produce.Collector;
import io.tierscope.collector.produce.CollectorSettings;
import io.tierscope.collector.produce.MetricsSnapshot;
import io.tierscope.collector.produce.SyntheticFleet;
import io.tierscope.platform.Platform;
import io.tierscope.platform.testing.PlatformExtension;
import io.tierscope.schemas.SampleCodec;
import io.tierscope.schemas.ScanRuns;
import io.tierscope.schemas.ScanSequence;
import io.tierscope.topics.Topic;
import io.tierscope.topics.TopicProvisioner;
import io.tierscope.workload.synthetic.SyntheticWorkload;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Collector -> real broker and registry -> the records decode to exactly what was produced. */
@ExtendWith(PlatformExtension.class)
class CollectorIT {
    private static final int SAMPLES_PER_VM = 60_000;

    @Test
    void aSyntheticFleetArrivesExactlyAsGeneratedWithTheScansItsAccessesImply(Platform platform) throws Exception {
        provisionTopics(platform);
        String run = PlatformExtension.uniqueTopic("fleet");
        List<SyntheticFleet.VmSpec> specs = List.of(
                SyntheticFleet.VmSpec.of(run + "-zipf", "zipf:pages=100000,s=0.9,writes=0.3", 21),
                SyntheticFleet.VmSpec.of(run + "-phases", "phases:pages=40000,count=4,perphase=10000,writes=0.2", 22),
                SyntheticFleet.VmSpec.of(run + "-loop", "loop:pages=5000,writes=0.1", 23));
        CollectorSettings settings = CollectorSettings.builder().bootstrapServers(platform.bootstrapServers())
                .schemaRegistryUrl(platform.schemaRegistryUrl()).host("it-host").maxBatchSamples(2048)
                .metricsIntervalMs(0).build();
        // Unpaced: 100 000 samples per scan period, so each VM emits one (partial) period.
        SyntheticFleet fleet = SyntheticFleet.start(Collector.create(settings), specs, 0, 1000, SAMPLES_PER_VM);
        assertTrue(fleet.awaitEnd(Duration.ofSeconds(60)));
        MetricsSnapshot m = fleet.stop();
        assertEquals(3L * SAMPLES_PER_VM, m.samplesPublished());
        assertEquals(0, m.samplesLost());
        assertEquals(0, m.samplesPending());
        assertTrue(m.bytesPublished() > 0);

        Set<String> ids = new HashSet<>();
        specs.forEach(s -> ids.add(s.vmId()));
        List<SampleBatch> batches = TopicReader.read(platform.bootstrapServers(), platform.schemaRegistryUrl(),
                Topic.RAW_SAMPLES, ids, got -> got.stream().mapToLong(SampleBatch::getSampleCount).sum()
                        >= 3L * SAMPLES_PER_VM, Duration.ofSeconds(60));
        long chunks = specs.stream().mapToLong(s -> (s.shape().pages() + 32_767) / 32_768).sum();
        List<AdScan> scans = TopicReader.read(platform.bootstrapServers(), platform.schemaRegistryUrl(),
                Topic.AD_SCANS, ids, got -> got.size() >= chunks, Duration.ofSeconds(60));
        assertEquals(m.batchesPublished(), batches.size());
        assertEquals(chunks, scans.size());

        for (SyntheticFleet.VmSpec spec : specs) {
            SyntheticWorkload truth = spec.shape().build(spec.seed());
            long[] gfn = new long[SAMPLES_PER_VM];
            byte[] xwr = new byte[SAMPLES_PER_VM];
            truth.generate(gfn, xwr, 0, SAMPLES_PER_VM);
            long[] expected = new long[SAMPLES_PER_VM];
            BitSet accessed = new BitSet();
            BitSet dirty = new BitSet();
            for (int i = 0; i < SAMPLES_PER_VM; i++) {
                expected[i] = SampleCodec.pack(gfn[i], xwr[i]);
                accessed.set((int) gfn[i]);
                if ((xwr[i] & SampleCodec.WRITE) != 0) {
                    dirty.set((int) gfn[i]);
                }
            }
            List<SampleBatch> mine = batches.stream().filter(b -> b.getVmId().equals(spec.vmId())).toList();
            long seq = 0;
            for (SampleBatch b : mine) {
                assertEquals(seq++, b.getBatchSeq(), "batch sequence of " + spec.vmId());
                assertEquals("it-host", b.getHost());
                assertEquals(0, b.getDroppedSinceLastBatch());
                assertTrue(b.getStartTimeMs() <= b.getEndTimeMs());
            }
            assertArrayEquals(expected, mine.stream().flatMapToLong(b -> java.util.Arrays.stream(unpack(b))).toArray(),
                    "every sample of " + spec.vmId() + ", in order");

            BitSet gotA = new BitSet();
            BitSet gotD = new BitSet();
            for (AdScan s : scans) {
                if (s.getVmId().equals(spec.vmId())) {
                    assertEquals(0, ScanSequence.counter(s.getScanSeq()));
                    or(gotA, s.getBaseGfn(), s.getPageCount(), ScanRuns.accessedBitmap(s));
                    or(gotD, s.getBaseGfn(), s.getPageCount(), ScanRuns.dirtyBitmap(s));
                }
            }
            assertEquals(accessed, gotA, "accessed bitmap of " + spec.vmId());
            assertEquals(dirty, gotD, "dirty bitmap of " + spec.vmId());
        }
    }

    static void provisionTopics(Platform platform) throws InterruptedException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, platform.bootstrapServers()))) {
            new TopicProvisioner(admin, 3, (short) 1).ensure(List.of(Topic.RAW_SAMPLES, Topic.AD_SCANS));
        }
    }

    static long[] unpack(SampleBatch b) {
        ByteBuffer v = SampleCodec.view(b.getSamples(), b.getSampleCount());
        long[] out = new long[b.getSampleCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.getLong();
        }
        return out;
    }

    private static void or(BitSet into, long base, int pages, byte[] bitmap) {
        for (int i = 0; i < pages; i++) {
            if ((bitmap[i >>> 3] >> (i & 7) & 1) != 0) {
                into.set((int) (base + i));
            }
        }
    }
}
