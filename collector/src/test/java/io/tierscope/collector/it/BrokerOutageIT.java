package io.tierscope.collector.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tierscope.avro.SampleBatch;
import io.tierscope.avro.SampleSource;
import io.tierscope.collector.produce.Collector;
import io.tierscope.collector.produce.CollectorSettings;
import io.tierscope.collector.produce.MetricsSnapshot;
import io.tierscope.platform.EmbeddedPlatform;
import io.tierscope.platform.Platform;
import io.tierscope.platform.testing.PlatformExtension;
import io.tierscope.topics.Topic;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The broker is stopped for 30 s (system property tierscope.it.outageSeconds) in the middle of
 * a run of two live collectors at once: with a buffer large enough for the outage's backlog
 * nothing is lost; with a small one the collector keeps draining its source, drops whole
 * batches, and the drop count it reports (metrics and droppedSinceLastBatch on the topic) is
 * exactly what is missing.
 */
@ExtendWith(PlatformExtension.class)
class BrokerOutageIT {
    private static final double RATE = 2000;

    @Test
    void nothingIsLostWithALargeBufferAndDropsAreCountedExactlyWithASmallOne(Platform platform) throws Exception {
        assumeTrue(platform instanceof EmbeddedPlatform, "needs the embedded platform to stop its broker");
        EmbeddedPlatform embedded = (EmbeddedPlatform) platform;
        CollectorIT.provisionTopics(platform);
        int outageSeconds = Integer.getInteger("tierscope.it.outageSeconds", 30);
        long total = (long) (RATE * (outageSeconds + 10));
        String run = PlatformExtension.uniqueTopic("outage");
        LiveClockFeed largeFeed = new LiveClockFeed(run + "-large", RATE, total);
        LiveClockFeed smallFeed = new LiveClockFeed(run + "-small", RATE, total);
        Collector large = collector(platform, 32L << 20).addSamples(largeFeed, SampleSource.EPT_SAMPLE, 0, 0);
        // Room for about 15 batches of 200 ms: a few seconds of the outage, then drops.
        Collector small = collector(platform, 15 * (400 * 8 + 64)).addSamples(smallFeed, SampleSource.EPT_SAMPLE, 0, 0);
        large.start();
        small.start();

        Thread.sleep(3000);
        embedded.stopBroker();
        Thread.sleep(outageSeconds * 1000L);
        embedded.startBroker();
        Duration rest = Duration.ofSeconds(60);
        assertTrue(large.awaitSourcesEnded(rest) && small.awaitSourcesEnded(rest), "the live feeds ran to their end");
        MetricsSnapshot l = large.stop(Duration.ofSeconds(120));
        MetricsSnapshot s = small.stop(Duration.ofSeconds(120));

        // Large buffer: everything arrives, once, in order.
        assertEquals(total, l.samplesRead());
        assertEquals(0, l.samplesLost(), l.format());
        assertEquals(total, l.samplesPublished());
        List<SampleBatch> largeBatches = read(platform, largeFeed, l);
        long next = 0;
        long seq = 0;
        for (SampleBatch b : largeBatches) {
            assertEquals(seq++, b.getBatchSeq());
            for (long packed : CollectorIT.unpack(b)) {
                assertEquals(next++, packed >>> 3, "samples of the large-buffer collector arrive once and in order");
            }
        }
        assertEquals(total, next);

        // Small buffer: the source was drained throughout; every loss is counted and reported.
        assertEquals(total, s.samplesRead(), "the live source never waited");
        assertTrue(s.samplesDropped() > 0, "the small buffer must overflow during the outage: " + s.format());
        assertEquals(total, s.samplesPublished() + s.samplesLost(), s.format());
        List<SampleBatch> smallBatches = read(platform, smallFeed, s);
        long arrived = 0;
        long reported = 0;
        long previous = -1;
        seq = 0;
        for (SampleBatch b : smallBatches) {
            reported += b.getDroppedSinceLastBatch();
            arrived += b.getSampleCount();
            seq = Math.max(seq, b.getBatchSeq() + 1);
            for (long packed : CollectorIT.unpack(b)) {
                assertTrue((packed >>> 3) > previous, "no sample arrives twice or out of order");
                previous = packed >>> 3;
            }
        }
        assertEquals(s.samplesPublished(), arrived);
        assertEquals(s.samplesLost(), reported, "droppedSinceLastBatch on the topic adds up to the drops");
        assertEquals(total, arrived + reported, "what arrived plus what was reported dropped is everything read");
        if (s.samplesFailed() == 0) {
            assertEquals(smallBatches.size(), seq, "buffer drops take no batchSeq: the sequence has no gaps");
        }
    }

    private static Collector collector(Platform platform, long bufferBytes) {
        return Collector.create(CollectorSettings.builder().bootstrapServers(platform.bootstrapServers())
                .schemaRegistryUrl(platform.schemaRegistryUrl()).host("outage-it").maxBatchSamples(1000)
                .lingerMs(200).bufferBytes(bufferBytes).deliveryTimeoutMs(180_000).requestTimeoutMs(10_000)
                .metricsIntervalMs(5000).build());
    }

    private static List<SampleBatch> read(Platform platform, LiveClockFeed feed, MetricsSnapshot m) {
        return TopicReader.<SampleBatch>read(platform.bootstrapServers(), platform.schemaRegistryUrl(), Topic.RAW_SAMPLES,
                Set.of(feed.vmId(0)), got -> got.stream().mapToLong(b -> b.getSampleCount() + b.getDroppedSinceLastBatch())
                        .sum() >= m.samplesRead(), Duration.ofSeconds(60));
    }
}
