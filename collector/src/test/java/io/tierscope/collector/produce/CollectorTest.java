package io.tierscope.collector.produce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.analytics.sampling.SpatialHash;
import io.tierscope.avro.AdScan;
import io.tierscope.avro.SampleBatch;
import io.tierscope.avro.SampleSource;
import io.tierscope.collector.source.ScanSink;
import io.tierscope.collector.source.ScanSource;
import io.tierscope.schemas.SampleCodec;
import io.tierscope.schemas.ScanRuns;
import io.tierscope.schemas.ScanSequence;
import io.tierscope.topics.EndOfInput;
import io.tierscope.topics.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class CollectorTest {
    private static final String[] VMS = {"vm-a", "vm-b", "vm-c"};

    /** The samples a feed produced for one VM, packed, in order. */
    private static long[] expected(ArrayFeed feed, int vmIndex) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < feed.gfn().length; i++) {
            if (feed.vm()[i] == vmIndex) {
                out.add(SampleCodec.pack(feed.gfn()[i], feed.xwr()[i]));
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    @Test
    void theLastBatchOfEachVmOfAnEndedFeedIsMarkedEndOfInputAndNoOtherIs() throws InterruptedException {
        MockProducer<String, SpecificRecord> producer = TestRecords.mockProducer(true);
        ArrayFeed feed = ArrayFeed.roundRobin(VMS, 10_001, false, 1000);
        Collector collector = Collector.create(TestRecords.settings().maxBatchSamples(512).build(), producer)
                .addSamples(feed, SampleSource.TRACE, 0, 0);
        collector.start();
        assertTrue(collector.awaitSourcesEnded(Duration.ofSeconds(30)));
        collector.stop(Duration.ofSeconds(30));

        for (String vm : VMS) {
            List<ProducerRecord<String, SpecificRecord>> records = producer.history().stream()
                    .filter(r -> r.key().equals(vm)).toList();
            assertTrue(records.size() > 1, vm);
            for (int k = 0; k < records.size(); k++) {
                boolean last = k == records.size() - 1;
                assertEquals(last, EndOfInput.marks(records.get(k).headers()), vm + " batch " + k);
            }
            SampleBatch lastBatch = (SampleBatch) records.get(records.size() - 1).value();
            SampleBatch before = (SampleBatch) records.get(records.size() - 2).value();
            assertTrue(lastBatch.getEndTimeMs() >= before.getEndTimeMs(), "the marker does not move event time back");
        }
    }

    @Test
    void aCollectorStoppedBeforeItsSourceEndsMarksNothing() throws InterruptedException {
        MockProducer<String, SpecificRecord> producer = TestRecords.mockProducer(true);
        ArrayFeed feed = ArrayFeed.roundRobin(VMS, 10_001, false, 1000);
        Collector collector = Collector.create(TestRecords.settings().maxBatchSamples(512).build(), producer)
                .addSamples(feed, SampleSource.TRACE, 0, 0);
        collector.stop(Duration.ofSeconds(30)); // never started: a restart would continue this VM's stream
        assertTrue(producer.history().stream().noneMatch(r -> EndOfInput.marks(r.headers())));
    }

    private static long[] published(List<SampleBatch> batches) {
        return batches.stream().flatMapToLong(b -> java.util.Arrays.stream(TestRecords.packed(b))).toArray();
    }

    @Test
    void aReplayFeedOfSeveralVmsArrivesExactlyInOrderWithContiguousSequences() throws InterruptedException {
        MockProducer<String, SpecificRecord> producer = TestRecords.mockProducer(true);
        ArrayFeed feed = ArrayFeed.roundRobin(VMS, 30_001, false, 1000);
        Collector collector = Collector.create(TestRecords.settings().maxBatchSamples(512).build(), producer)
                .addSamples(feed, SampleSource.TRACE, 0, 0);
        collector.start();
        assertTrue(collector.awaitSourcesEnded(Duration.ofSeconds(30)));
        MetricsSnapshot m = collector.stop(Duration.ofSeconds(30));

        for (int v = 0; v < VMS.length; v++) {
            List<SampleBatch> batches = TestRecords.batchesOf(producer, VMS[v]);
            assertArrayEquals(expected(feed, v), published(batches), "samples of " + VMS[v]);
            for (int k = 0; k < batches.size(); k++) {
                assertEquals(k, batches.get(k).getBatchSeq());
                assertEquals(SampleSource.TRACE, batches.get(k).getSource());
                assertTrue(batches.get(k).getSampleCount() <= 512);
            }
        }
        for (ProducerRecord<String, SpecificRecord> r : producer.history()) {
            assertEquals(Topic.RAW_SAMPLES.topicName(), r.topic());
        }
        assertEquals(30_001, m.samplesRead());
        assertEquals(30_001, m.samplesPublished());
        assertEquals(0, m.samplesLost());
        assertEquals(0, m.samplesPending());
        assertEquals(producer.history().size(), m.batchesPublished());
        assertEquals(m.batchesPublished(), m.sends());
        assertEquals(0, m.bufferedBytes());
    }

    @Test
    void aLiveFeedDuringAnOutageDropsWholeBatchesAndReportsEveryDroppedSample() throws Exception {
        MockProducer<String, SpecificRecord> producer = TestRecords.mockProducer(false);
        ArrayFeed feed = ArrayFeed.roundRobin(VMS, 20_000, true, 500);
        CollectorSettings settings = TestRecords.settings().maxBatchSamples(256).bufferBytes(8 * (256 * 8 + 64)).build();
        Collector collector = Collector.create(settings, producer).addSamples(feed, SampleSource.EPT_SAMPLE, 100, 0);
        collector.start();
        // The "broker" answers nothing until the feed is done: the buffer fills, the rest drops.
        assertTrue(collector.awaitSourcesEnded(Duration.ofSeconds(30)));
        AtomicBoolean done = new AtomicBoolean();
        Thread broker = completer(producer, done, null, null);
        MetricsSnapshot m = collector.stop(Duration.ofSeconds(30));
        done.set(true);
        broker.join();

        assertTrue(m.samplesDropped() > 0, "the small buffer must have overflowed");
        assertEquals(20_000, m.samplesRead());
        assertEquals(20_000, m.samplesPublished() + m.samplesDropped());
        assertEquals(0, m.samplesFailed());
        long publishedSamples = 0;
        long reportedDrops = 0;
        for (String vm : VMS) {
            List<SampleBatch> batches = TestRecords.batchesOf(producer, vm);
            for (int k = 0; k < batches.size(); k++) {
                assertEquals(k, batches.get(k).getBatchSeq(), "drops before admission leave no gaps");
                publishedSamples += batches.get(k).getSampleCount();
                reportedDrops += batches.get(k).getDroppedSinceLastBatch();
            }
        }
        assertEquals(m.samplesPublished(), publishedSamples);
        assertEquals(m.samplesDropped(), reportedDrops, "every dropped sample is reported on the topic");
    }

    @Test
    void aRetriableFailureIsSentAgainAndNothingIsLost() throws Exception {
        MockProducer<String, SpecificRecord> producer = TestRecords.mockProducer(false);
        ArrayFeed feed = ArrayFeed.roundRobin(new String[] {"vm-a"}, 5_000, false, 100);
        Collector collector = Collector.create(TestRecords.settings().maxBatchSamples(100).build(), producer)
                .addSamples(feed, SampleSource.TRACE, 0, 0);
        AtomicBoolean done = new AtomicBoolean();
        Thread broker = completer(producer, done, new AtomicInteger(2), () -> new TimeoutException("simulated expiry"));
        collector.start();
        assertTrue(collector.awaitSourcesEnded(Duration.ofSeconds(30)));
        MetricsSnapshot m = collector.stop(Duration.ofSeconds(30));
        done.set(true);
        broker.join();

        assertEquals(0, m.samplesLost(), m.format());
        assertEquals(5_000, m.samplesPublished());
        List<Long> sent = producer.history().stream().map(r -> ((SampleBatch) r.value()).getBatchSeq()).toList();
        // The feed ends on a full batch, so its end-of-input marker is an empty 51st batch.
        assertEquals(53, sent.size(), "50 batches and the end-of-input batch, 2 of them sent twice");
        assertEquals(51, sent.stream().distinct().count());
        assertTrue(collector.health().ok(), collector.health().toString());
    }

    @Test
    void aFailedDeliveryIsCountedLeavesASequenceGapAndIsReportedInALaterBatch() throws Exception {
        MockProducer<String, SpecificRecord> producer = TestRecords.mockProducer(false);
        ArrayFeed feed = ArrayFeed.roundRobin(new String[] {"vm-a"}, 5_000, false, 100);
        Collector collector = Collector.create(TestRecords.settings().maxBatchSamples(100).build(), producer)
                .addSamples(feed, SampleSource.TRACE, 0, 0);
        AtomicBoolean done = new AtomicBoolean();
        AtomicInteger failuresLeft = new AtomicInteger(1);
        // Not retriable: the broker rejected the record itself.
        Thread broker = completer(producer, done, failuresLeft, () -> new RecordTooLargeException("simulated rejection"));
        collector.start();
        assertTrue(collector.awaitSourcesEnded(Duration.ofSeconds(30)));
        MetricsSnapshot m = collector.stop(Duration.ofSeconds(30));
        done.set(true);
        broker.join();

        assertEquals(100, m.samplesFailed());
        assertEquals(1, m.batchesFailed());
        assertEquals(4_900, m.samplesPublished());
        List<SampleBatch> batches = new ArrayList<>();
        for (ProducerRecord<String, SpecificRecord> r : producer.history()) {
            batches.add((SampleBatch) r.value());
        }
        // MockProducer's history also holds the failed record: drop it, as the broker would.
        batches.remove(0);
        assertEquals(1, batches.get(0).getBatchSeq(), "the failed batch 0 shows as a gap");
        assertEquals(100, batches.stream().mapToLong(SampleBatch::getDroppedSinceLastBatch).sum());
        assertEquals(0, m.samplesPending());
    }

    @Test
    void aPacedFeedSendsOneBlockThenWaitsForTheProducersFirstAnswerBeforeItsClockStarts() throws Exception {
        MockProducer<String, SpecificRecord> producer = TestRecords.mockProducer(false);
        ArrayFeed feed = ArrayFeed.roundRobin(new String[] {"vm-a"}, 50_000, false, 4096);
        Collector collector = Collector.create(TestRecords.settings().build(), producer)
                .addSamples(feed, SampleSource.SYNTHETIC, 0, 10_000); // blocks of 1,000 samples
        collector.start();
        while (producer.history().isEmpty()) {
            Thread.sleep(10);
        }
        Thread.sleep(500); // at 10,000/s the pacer would have released 5,000 more samples by now
        assertEquals(1_000, collector.metrics().snapshot().samplesRead(), "only the first block, sent at once");
        assertEquals(1, producer.history().size());

        AtomicBoolean done = new AtomicBoolean();
        Thread broker = completer(producer, done, null, null); // the producer answers: the clock starts
        while (collector.metrics().snapshot().samplesRead() <= 1_000) {
            Thread.sleep(10);
        }
        MetricsSnapshot m = collector.stop(Duration.ofSeconds(30));
        done.set(true);
        broker.join();
        assertEquals(m.samplesRead(), m.samplesPublished(), m.format());
    }

    @Test
    void stoppingASlowlyPacedFeedStillPublishesWhatItRead() throws InterruptedException {
        MockProducer<String, SpecificRecord> producer = TestRecords.mockProducer(true);
        ArrayFeed feed = ArrayFeed.roundRobin(new String[] {"vm-slow"}, 100, false, 1);
        Collector collector = Collector.create(TestRecords.settings().lingerMs(60_000).build(), producer)
                .addSamples(feed, SampleSource.TRACE, 0, 4);
        collector.start();
        while (collector.metrics().snapshot().samplesRead() < 2) {
            Thread.sleep(10);
        }
        // The pump now sleeps in its pace (one sample per 250 ms); a short stop interrupts it.
        MetricsSnapshot m = collector.stop(Duration.ofMillis(1));
        assertTrue(m.samplesRead() >= 2);
        assertEquals(m.samplesRead(), m.samplesPublished(), m.format());
        assertEquals(0, m.samplesLost());
    }

    @Test
    void thePreFilterKeepsExactlyThePagesTheSpatialHashSamples() throws InterruptedException {
        MockProducer<String, SpecificRecord> producer = TestRecords.mockProducer(true);
        ArrayFeed feed = ArrayFeed.roundRobin(VMS, 40_000, false, 1000);
        Collector collector = Collector.create(TestRecords.settings().prefilterRate(0.25).build(), producer)
                .addSamples(feed, SampleSource.SYNTHETIC, 0, 0);
        collector.start();
        assertTrue(collector.awaitSourcesEnded(Duration.ofSeconds(30)));
        MetricsSnapshot m = collector.stop(Duration.ofSeconds(30));

        long threshold = SpatialHash.thresholdForRate(0.25);
        long kept = 0;
        for (int v = 0; v < VMS.length; v++) {
            long key = SpatialHash.vmKey(VMS[v]);
            List<Long> expected = new ArrayList<>();
            for (long p : expected(feed, v)) {
                if (SpatialHash.hash(key, SampleCodec.gfn(p)) < threshold) {
                    expected.add(p);
                }
            }
            kept += expected.size();
            assertArrayEquals(expected.stream().mapToLong(Long::longValue).toArray(),
                    published(TestRecords.batchesOf(producer, VMS[v])));
            // The streams engine needs the rate and the removed count to rescale (SampleBatch doc).
            long removed = 0;
            for (SampleBatch batch : TestRecords.batchesOf(producer, VMS[v])) {
                assertEquals(0.25, batch.getPrefilterRate());
                removed += batch.getPrefilteredOut();
            }
            assertEquals(expected(feed, v).length - expected.size(), removed, VMS[v]);
        }
        assertTrue(kept > 8_000 && kept < 12_000, "about a quarter kept, got " + kept);
        assertEquals(kept, m.samplesPublished());
        assertEquals(40_000 - kept, m.samplesFiltered());
        assertEquals(0, m.samplesPending());
    }

    @Test
    void aRestartedCollectorsScansSortAfterThePreviousRunsThoughItsPeriodsCountFromZeroAgain() throws InterruptedException {
        List<List<Long>> runs = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            MockProducer<String, SpecificRecord> producer = TestRecords.mockProducer(true);
            Collector collector = Collector.create(TestRecords.settings().build(), producer)
                    .addScans("vm-s", new ThreePeriods(), io.tierscope.avro.ScanSource.SYNTHETIC, false);
            collector.start();
            assertTrue(collector.awaitSourcesEnded(Duration.ofSeconds(30)));
            collector.stop(Duration.ofSeconds(30));
            runs.add(producer.history().stream().map(r -> ((AdScan) r.value()).getScanSeq()).toList());
            Thread.sleep(2); // a restart takes longer than a millisecond; the incarnation is a start time in ms
        }
        List<Long> first = runs.get(0);
        List<Long> second = runs.get(1);
        assertEquals(List.of(0L, 0L, 1L, 1L, 2L, 2L), second.stream().map(ScanSequence::counter).toList());
        assertTrue(second.get(0) > first.get(first.size() - 1),
                "the new run's first scan is newer than the old run's last: " + first + " then " + second);
        assertTrue(ScanSequence.incarnation(first.get(0)) > 1_700_000_000_000L, "the incarnation is the run's start time");
    }

    @Test
    void scansArePublishedPerChunkWithOneSequenceNumberPerPeriod() throws InterruptedException {
        MockProducer<String, SpecificRecord> producer = TestRecords.mockProducer(true);
        Collector collector = Collector.create(TestRecords.settings().build(), producer)
                .addScans("vm-s", new ThreePeriods(), io.tierscope.avro.ScanSource.SYNTHETIC, false);
        collector.start();
        assertTrue(collector.awaitSourcesEnded(Duration.ofSeconds(30)));
        MetricsSnapshot m = collector.stop(Duration.ofSeconds(30));
        assertEquals(6, m.scansPublished());
        List<AdScan> scans = new ArrayList<>();
        for (ProducerRecord<String, SpecificRecord> r : producer.history()) {
            assertEquals(Topic.AD_SCANS.topicName(), r.topic());
            assertEquals("vm-s", r.key());
            scans.add((AdScan) r.value());
        }
        for (int i = 0; i < 6; i++) {
            AdScan s = scans.get(i);
            int period = i / 2;
            assertEquals(period, ScanSequence.counter(s.getScanSeq()));
            assertEquals(ScanSequence.incarnation(scans.get(0).getScanSeq()), ScanSequence.incarnation(s.getScanSeq()),
                    "one run, one incarnation");
            assertEquals(i % 2 == 0 ? 0 : 16, s.getBaseGfn());
            assertEquals(16, s.getPageCount());
            assertEquals(250, s.getPeriodMs());
            assertEquals(scans.get(period * 2).getTimeMs(), s.getTimeMs(), "chunks of a period share its time");
            assertArrayEquals(new byte[] {(byte) period, (byte) i}, ScanRuns.accessedBitmap(s));
            assertArrayEquals(i % 2 == 0 ? null : new byte[] {(byte) 0x80, 1}, ScanRuns.dirtyBitmap(s));
        }
    }

    @Test
    void scansGoAsRunsOnlyWhereSmallerAndAsBitmapsWhenAskedTo() throws InterruptedException {
        for (String encoding : List.of("runs", "bitmap")) {
            MockProducer<String, SpecificRecord> producer = TestRecords.mockProducer(true);
            Collector collector = Collector.create(TestRecords.settings().scanEncoding(encoding).build(), producer)
                    .addScans("vm-s", new ThreePeriods(), io.tierscope.avro.ScanSource.SYNTHETIC, false);
            collector.start();
            assertTrue(collector.awaitSourcesEnded(Duration.ofSeconds(30)));
            MetricsSnapshot m = collector.stop(Duration.ofSeconds(30));
            assertEquals(6 * 16, m.scanPagesPublished());
            for (ProducerRecord<String, SpecificRecord> r : producer.history()) {
                AdScan s = (AdScan) r.value();
                // A 2-byte bitmap with one or two set bits: 2 runs bytes are not smaller, 0 bits (period 0, chunk 0) are.
                boolean runs = encoding.equals("runs") && ScanRuns.accessedBitmap(s)[0] == 0 && ScanRuns.accessedBitmap(s)[1] == 0;
                assertEquals(runs, s.getAccessedRuns() != null, encoding + " " + s);
                assertEquals(runs ? 0 : 2, s.getAccessed().remaining());
            }
        }
    }

    /** Emits two 16-page chunks per period for three periods, reusing its arrays as sources may. */
    private static final class ThreePeriods implements ScanSource {
        private final byte[] accessed = new byte[2];
        private final byte[] dirty = new byte[2];
        private int period;
        private int chunk;

        @Override
        public int periodMs() {
            return 250;
        }

        @Override
        public boolean scan(ScanSink sink) {
            if (period == 3) {
                return false;
            }
            for (int c = 0; c < 2; c++) {
                accessed[0] = (byte) period;
                accessed[1] = (byte) chunk++;
                dirty[0] = (byte) 0x80;
                dirty[1] = 1;
                sink.chunk(c * 16L, 16, accessed, c == 0 ? null : dirty);
                accessed[0] = 99;
            }
            period++;
            return true;
        }

        @Override
        public void close() {
        }
    }

    /**
     * Plays the broker for a MockProducer without auto-completion: answers every sent record,
     * failing the first {@code failures} of them with the given error.
     */
    private static Thread completer(MockProducer<String, SpecificRecord> producer, AtomicBoolean done,
                                    AtomicInteger failures, java.util.function.Supplier<RuntimeException> error) {
        Thread t = new Thread(() -> {
            while (!done.get()) {
                boolean answered = failures != null && failures.get() > 0
                        ? producer.errorNext(error.get()) && failures.decrementAndGet() >= 0
                        : producer.completeNext();
                if (!answered) {
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }, "mock-broker");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
