package io.tierscope.collector.it;

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
import io.tierscope.topics.Topic;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One collector, 1,000 synthetic VMs with A/D scans, against the real broker and registry: nothing
 * read is lost or left unsaid (read = published + counted losses, the topics hold what was counted
 * published), every VM's samples and scans get out, and the scans do not starve the samples.
 *
 * <p>Sizes from system properties, so that {@code -Psoak} runs the long version: {@code load.vms}
 * (1000), {@code load.rate} (samples/s per VM, 100), {@code load.scan.ms} (2000), {@code load.seconds} (20).
 */
@ExtendWith(PlatformExtension.class)
class CollectorLoadIT {
    private static final int VMS = Integer.getInteger("load.vms", 1000);
    private static final int RATE = Integer.getInteger("load.rate", 100);
    private static final int SCAN_MS = Integer.getInteger("load.scan.ms", 2000);
    private static final int SECONDS = Integer.getInteger("load.seconds", 20);

    @Test
    void aThousandVmsWithScansLoseNothingAndScansDoNotStarveSamples(Platform platform) throws Exception {
        CollectorIT.provisionTopics(platform);
        String run = PlatformExtension.uniqueTopic("load");
        List<SyntheticFleet.VmSpec> specs = SyntheticFleet.defaultVms(VMS).stream()
                .map(v -> new SyntheticFleet.VmSpec(run + "-" + v.vmId(), v.shape(), v.seed())).toList();
        CollectorSettings settings = CollectorSettings.builder().bootstrapServers(platform.bootstrapServers())
                .schemaRegistryUrl(platform.schemaRegistryUrl()).host("load-it").metricsIntervalMs(5_000).build();
        long started = System.nanoTime();
        SyntheticFleet fleet = SyntheticFleet.start(Collector.create(settings), specs, RATE, SCAN_MS, -1);
        Thread.sleep(SECONDS * 1000L);
        MetricsSnapshot m = fleet.stop();
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("CollectorLoadIT: %d VMs x %d samples/s, scans every %d ms, %.1f s: %s%n",
                VMS, RATE, SCAN_MS, seconds, m.format());

        assertEquals(m.samplesRead(), m.samplesPublished() + m.samplesLost() + m.samplesFiltered(),
                "every sample read is published or counted lost");
        assertEquals(0, m.samplesLost(), "synthetic sources wait for room, they do not drop");
        assertEquals(0, m.scansDropped() + m.scansFailed());
        // Not a speed test: a floor far below the asked rate (the shared CI box delivered about half of it,
        // JVM and 1,000 sources starting included), which scans pinning the buffer broke (13% delivered).
        double asked = (double) VMS * RATE * SECONDS;
        assertTrue(m.samplesPublished() >= asked / 4, "samples starved: " + m.samplesPublished() + " of " + (long) asked);
        assertTrue(m.scanPagesPublished() > 0);

        Set<String> ids = new HashSet<>();
        specs.forEach(s -> ids.add(s.vmId()));
        List<SampleBatch> batches = TopicReader.read(platform.bootstrapServers(), platform.schemaRegistryUrl(),
                Topic.RAW_SAMPLES, ids, got -> got.size() >= m.batchesPublished(), Duration.ofSeconds(120));
        assertEquals(m.samplesPublished(), batches.stream().mapToLong(SampleBatch::getSampleCount).sum(),
                "the topic holds exactly the samples counted published");
        List<AdScan> scans = TopicReader.read(platform.bootstrapServers(), platform.schemaRegistryUrl(),
                Topic.AD_SCANS, ids, got -> got.size() >= m.scansPublished(), Duration.ofSeconds(120));
        assertEquals(m.scansPublished(), scans.size(), "the topic holds exactly the scan records counted published");
        assertEquals(m.scanPagesPublished(), scans.stream().mapToLong(AdScan::getPageCount).sum());
        Set<String> sampled = new HashSet<>();
        batches.forEach(b -> sampled.add(b.getVmId()));
        Set<String> scanned = new HashSet<>();
        scans.forEach(s -> scanned.add(s.getVmId()));
        assertEquals(ids, sampled, "every VM's samples got out");
        assertEquals(ids, scanned, "every VM's scans got out");
    }
}
