package io.tierscope.collector.produce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tierscope.avro.SampleBatch;
import io.tierscope.avro.SampleSource;
import io.tierscope.schemas.SampleCodec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SampleBatcherTest {
    /** Weight of one full batch of 4 samples. */
    private static final int BATCH_OF_4 = 4 * 8 + Outgoing.RECORD_OVERHEAD_BYTES;

    private final CollectorMetrics metrics = new CollectorMetrics();

    private SampleBatcher batcher(SendBuffer buffer, Admission admission, long lingerMs) {
        return batcher(buffer, admission, lingerMs, 1.0);
    }

    private SampleBatcher batcher(SendBuffer buffer, Admission admission, long lingerMs, double prefilterRate) {
        return new SampleBatcher("h1", new VmLane("vm-a"), SampleSource.EPT_SAMPLE, 1000, prefilterRate, 4, lingerMs,
                buffer, admission, metrics);
    }

    private static List<SampleBatch> drain(SendBuffer buffer) throws InterruptedException {
        List<SampleBatch> out = new ArrayList<>();
        Outgoing o;
        while ((o = buffer.poll(0, TimeUnit.MILLISECONDS)) != null) {
            out.add((SampleBatch) o.value());
            buffer.release(o);
        }
        return out;
    }

    @Test
    void splitsIntoFullBatchesAndFlushSealsTheRest() throws InterruptedException {
        SendBuffer buffer = new SendBuffer(1 << 20);
        SampleBatcher b = batcher(buffer, Admission.BLOCK, 10_000);
        for (int i = 0; i < 10; i++) {
            b.add(100 + i, (byte) (i % 8), 1000 + i);
        }
        assertEquals(2, b.openSamples());
        b.flush(2000);
        List<SampleBatch> batches = drain(buffer);
        assertEquals(3, batches.size());
        int next = 0;
        for (int k = 0; k < 3; k++) {
            SampleBatch batch = batches.get(k);
            assertEquals(k, batch.getBatchSeq());
            assertEquals("vm-a", batch.getVmId());
            assertEquals("h1", batch.getHost());
            assertEquals(CollectorVersion.CURRENT, batch.getCollectorVersion());
            assertEquals(SampleSource.EPT_SAMPLE, batch.getSource());
            assertEquals(1000, batch.getSamplingHz());
            assertEquals(0, batch.getDroppedSinceLastBatch());
            assertEquals(1.0, batch.getPrefilterRate());
            assertEquals(0, batch.getPrefilteredOut());
            long[] packed = TestRecords.packed(batch);
            assertEquals(1000 + next, batch.getStartTimeMs());
            assertEquals(1000 + next + packed.length - 1, batch.getEndTimeMs());
            for (long p : packed) {
                assertEquals(100 + next, SampleCodec.gfn(p));
                assertEquals(next % 8, SampleCodec.xwr(p));
                next++;
            }
        }
        assertEquals(10, next);
    }

    @Test
    void aBatchIsSealedOnceItsFirstSampleIsLingerOld() throws InterruptedException {
        SendBuffer buffer = new SendBuffer(1 << 20);
        SampleBatcher b = batcher(buffer, Admission.BLOCK, 50);
        b.add(7, (byte) 1, 1000);
        b.sealIfLingered(1049);
        assertEquals(0, buffer.queuedEntries());
        b.sealIfLingered(1050);
        List<SampleBatch> batches = drain(buffer);
        assertEquals(1, batches.size());
        assertEquals(1, batches.get(0).getSampleCount());
    }

    @Test
    void aFullBufferDropsWholeBatchesCountsThemAndTheNextBatchCarriesTheCount() throws InterruptedException {
        SendBuffer buffer = new SendBuffer(BATCH_OF_4);
        SampleBatcher b = batcher(buffer, Admission.DROP, 10_000);
        for (int i = 0; i < 12; i++) {
            b.add(i, (byte) 1, 1000);
        }
        // The first batch fits, the next two find the buffer full.
        assertEquals(8, metrics.samplesDropped.sum());
        assertEquals(2, metrics.batchesDropped.sum());
        assertEquals(8, b.lane().droppedPending());
        assertEquals(1, b.nextBatchSeq(), "dropped batches take no sequence number");

        List<SampleBatch> first = drain(buffer);
        for (int i = 12; i < 16; i++) {
            b.add(i, (byte) 2, 2000);
        }
        List<SampleBatch> second = drain(buffer);
        assertEquals(0, first.get(0).getDroppedSinceLastBatch());
        assertEquals(1, second.get(0).getBatchSeq(), "no gap: nothing was lost after admission");
        assertEquals(8, second.get(0).getDroppedSinceLastBatch());
        assertArrayEquals(new long[] {SampleCodec.pack(12, 2), SampleCodec.pack(13, 2), SampleCodec.pack(14, 2),
                SampleCodec.pack(15, 2)}, TestRecords.packed(second.get(0)));
        assertEquals(0, b.lane().droppedPending());
    }

    @Test
    void flushWithOnlyUnreportedLossesSendsAnEmptyBatchCarryingThem() throws InterruptedException {
        SendBuffer buffer = new SendBuffer(1 << 20);
        SampleBatcher b = batcher(buffer, Admission.DROP, 10_000);
        b.flush(5000);
        assertEquals(0, buffer.queuedEntries(), "nothing open, nothing lost: nothing to send");
        b.lane().addDropped(37);
        b.flush(5000);
        List<SampleBatch> batches = drain(buffer);
        assertEquals(1, batches.size());
        SampleBatch carrier = batches.get(0);
        assertEquals(0, carrier.getSampleCount());
        assertEquals(0, carrier.getSamples().remaining());
        assertEquals(37, carrier.getDroppedSinceLastBatch());
        assertEquals(5000, carrier.getStartTimeMs());
        assertEquals(5000, carrier.getEndTimeMs());
    }

    @Test
    void aBlockingBatcherRefusedByAClosedBufferCountsTheBatchAsDropped() {
        SendBuffer buffer = new SendBuffer(1 << 20);
        buffer.close();
        SampleBatcher b = batcher(buffer, Admission.BLOCK, 10_000);
        for (int i = 0; i < 4; i++) {
            b.add(i, (byte) 1, 1);
        }
        assertEquals(4, metrics.samplesDropped.sum());
        assertEquals(4, b.lane().droppedPending());
    }

    @Test
    void preFilteredSamplesAreReportedByTheNextAdmittedBatchWithTheRate() throws InterruptedException {
        SendBuffer buffer = new SendBuffer(BATCH_OF_4);
        SampleBatcher b = batcher(buffer, Admission.DROP, 10_000, 0.125);
        for (int i = 0; i < 4; i++) {
            b.filteredOut();
            b.add(i, (byte) 1, 1000);
        }
        b.filteredOut();
        for (int i = 4; i < 8; i++) {
            b.add(i, (byte) 1, 1000); // the buffer is full: this batch is dropped and hands its count on
        }
        List<SampleBatch> first = drain(buffer);
        b.filteredOut();
        b.flush(3000); // nothing open, but one more removed sample: an empty batch carries the counts
        List<SampleBatch> second = drain(buffer);
        assertEquals(4, first.get(0).getPrefilteredOut());
        assertEquals(0.125, first.get(0).getPrefilterRate());
        assertEquals(0, second.get(0).getSampleCount());
        assertEquals(2, second.get(0).getPrefilteredOut(), "the dropped batch's removed sample plus the last one");
        assertEquals(0.125, second.get(0).getPrefilterRate());
    }

    @Test
    void aPreFilterRateOutsideTheUnitIntervalIsRefused() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> batcher(new SendBuffer(1 << 20), Admission.BLOCK, 10, 0));
        assertEquals("pre-filter rate must be in (0, 1], got 0.0", e.getMessage());
    }
}
