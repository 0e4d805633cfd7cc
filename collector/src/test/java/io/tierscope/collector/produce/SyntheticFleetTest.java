package io.tierscope.collector.produce;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.avro.AdScan;
import io.tierscope.avro.SampleSource;
import io.tierscope.schemas.SampleCodec;
import io.tierscope.schemas.ScanRuns;
import io.tierscope.schemas.ScanSequence;
import io.tierscope.workload.synthetic.SyntheticWorkload;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.junit.jupiter.api.Test;

class SyntheticFleetTest {

    @Test
    void everyVmPublishesItsExactGroundTruthSamplesAndTheScansTheyImply() throws InterruptedException {
        MockProducer<String, SpecificRecord> producer = TestRecords.mockProducer(true);
        List<SyntheticFleet.VmSpec> specs = List.of(
                SyntheticFleet.VmSpec.of("zipf-vm", "zipf:pages=50000,writes=0.3", 11),
                SyntheticFleet.VmSpec.of("loop-vm", "loop:pages=3000,writes=0.1", 12),
                SyntheticFleet.VmSpec.of("phase-vm", "phases:pages=40000,count=4,perphase=5000", 13));
        Collector collector = Collector.create(TestRecords.settings().maxBatchSamples(1000).build(), producer);
        // Unpaced, so one scan per 100 000 samples: 25 000 samples make one (partial) period each.
        SyntheticFleet fleet = SyntheticFleet.start(collector, specs, 0, 1000, 25_000);
        assertTrue(fleet.awaitEnd(Duration.ofSeconds(60)));
        MetricsSnapshot m = fleet.stop();

        assertEquals(75_000, m.samplesRead());
        assertEquals(75_000, m.samplesPublished());
        assertEquals(0, m.samplesLost());
        for (SyntheticFleet.VmSpec spec : specs) {
            SyntheticWorkload truth = spec.shape().build(spec.seed());
            long[] gfn = new long[25_000];
            byte[] xwr = new byte[25_000];
            truth.generate(gfn, xwr, 0, gfn.length);
            long[] expected = new long[gfn.length];
            BitSet accessed = new BitSet();
            BitSet dirty = new BitSet();
            for (int i = 0; i < gfn.length; i++) {
                expected[i] = SampleCodec.pack(gfn[i], xwr[i]);
                accessed.set((int) gfn[i]);
                if ((xwr[i] & SampleCodec.WRITE) != 0) {
                    dirty.set((int) gfn[i]);
                }
            }
            var batches = TestRecords.batchesOf(producer, spec.vmId());
            assertArrayEquals(expected, batches.stream().flatMapToLong(b -> java.util.Arrays.stream(TestRecords.packed(b))).toArray(),
                    "samples of " + spec.vmId());
            batches.forEach(b -> assertEquals(SampleSource.SYNTHETIC, b.getSource()));

            BitSet gotAccessed = new BitSet();
            BitSet gotDirty = new BitSet();
            long chunks = 0;
            for (var r : producer.history()) {
                if (r.value() instanceof AdScan s && s.getVmId().equals(spec.vmId())) {
                    chunks++;
                    assertEquals(0, ScanSequence.counter(s.getScanSeq()));
                    assertEquals(1000, s.getPeriodMs());
                    or(gotAccessed, s.getBaseGfn(), s.getPageCount(), ScanRuns.accessedBitmap(s));
                    or(gotDirty, s.getBaseGfn(), s.getPageCount(), ScanRuns.dirtyBitmap(s));
                }
            }
            assertEquals((spec.shape().pages() + 32_767) / 32_768, chunks, "one record per 32768-page chunk");
            assertEquals(accessed, gotAccessed, "accessed bits of " + spec.vmId());
            assertEquals(dirty, gotDirty, "dirty bits of " + spec.vmId());
        }
    }

    @Test
    void defaultFleetsMixShapesAndIdsMustBeUnique() {
        List<SyntheticFleet.VmSpec> vms = SyntheticFleet.defaultVms(4);
        assertEquals(List.of("vm-1", "vm-2", "vm-3", "vm-4"), vms.stream().map(SyntheticFleet.VmSpec::vmId).toList());
        assertEquals(4, vms.stream().map(v -> v.shape().kind()).distinct().count());
        Collector collector = Collector.create(TestRecords.settings().build(), TestRecords.mockProducer(true));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SyntheticFleet.start(collector,
                List.of(vms.get(0), vms.get(0)), 10, 100, 10));
        assertTrue(e.getMessage().contains("appears twice"));
        collector.stop(Duration.ofSeconds(1));
        assertEquals(500, SyntheticFleet.samplesPerScan(1000, 500));
        assertEquals(1, SyntheticFleet.samplesPerScan(1, 10));
    }

    private static void or(BitSet into, long base, int pages, byte[] bitmap) {
        for (int i = 0; i < pages; i++) {
            if ((bitmap[i >>> 3] >> (i & 7) & 1) != 0) {
                into.set((int) (base + i));
            }
        }
    }
}
