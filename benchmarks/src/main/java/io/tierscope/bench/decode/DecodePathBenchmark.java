package io.tierscope.bench.decode;

import io.tierscope.avro.AdScan;
import io.tierscope.avro.SampleBatch;
import io.tierscope.avro.SampleSource;
import io.tierscope.avro.ScanSource;
import io.tierscope.schemas.SampleCodec;
import io.tierscope.schemas.ScanRuns;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The streams app's decode path per record, registry left out (its schema is resolved once): Avro
 * binary -> SampleBatch -> every packed sample unpacked (gfn, xwr), and Avro -> AdScan -> bitmaps,
 * for a scan sent as bitmaps and one sent as runs ({@link ScanRuns}). Samples/s = 4096 / (time per
 * op); pages/s = 32768 / (time per op).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class DecodePathBenchmark {
    static final int SAMPLES = 4096;
    static final int PAGES = 32_768;

    private final SpecificDatumReader<SampleBatch> batchReader = new SpecificDatumReader<>(SampleBatch.class);
    private final SpecificDatumReader<AdScan> scanReader = new SpecificDatumReader<>(AdScan.class);
    private byte[] batch;
    private byte[] bitmapScan;
    private byte[] runsScan;
    private BinaryDecoder reuse;

    @Setup
    public void setUp() throws IOException {
        SplittableRandom r = new SplittableRandom(1);
        ByteBuffer samples = ByteBuffer.allocate(SAMPLES * 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < SAMPLES; i++) {
            samples.putLong(SampleCodec.pack(r.nextLong(1 << 20), 1 + r.nextInt(2)));
        }
        batch = avro(SampleBatch.newBuilder().setVmId("vm-1").setHost("h").setSource(SampleSource.SYNTHETIC)
                .setBatchSeq(1).setStartTimeMs(1).setEndTimeMs(2).setSampleCount(SAMPLES).setSamples(samples.flip())
                .build());
        // A period that touched 2% of the chunk's pages, some in runs: a guest-like A bitmap.
        byte[] accessed = new byte[PAGES / 8];
        byte[] dirty = new byte[PAGES / 8];
        for (int i = 0; i < PAGES / 50; i++) {
            int p = r.nextInt(PAGES - 8);
            accessed[p >>> 3] |= (byte) (1 << (p & 7));
            if (r.nextInt(4) == 0) {
                dirty[p >>> 3] |= (byte) (1 << (p & 7));
            }
        }
        AdScan.Builder scan = AdScan.newBuilder().setVmId("vm-1").setHost("h").setSource(ScanSource.SYNTHETIC)
                .setScanSeq(1).setTimeMs(1).setPeriodMs(1000).setBaseGfn(0).setPageCount(PAGES);
        bitmapScan = avro(AdScan.newBuilder(scan).setAccessed(ByteBuffer.wrap(accessed)).setDirty(ByteBuffer.wrap(dirty)).build());
        runsScan = avro(AdScan.newBuilder(scan).setAccessed(ByteBuffer.allocate(0))
                .setAccessedRuns(ByteBuffer.wrap(ScanRuns.encodeIfSmaller(accessed, PAGES)))
                .setDirtyRuns(ByteBuffer.wrap(ScanRuns.encodeIfSmaller(dirty, PAGES))).build());
    }

    /** Decode one 4096-sample batch and unpack every sample, as the MRC and ingest processors read it. */
    @Benchmark
    public long sampleBatch() throws IOException {
        return unpacked(batchReader.read(null, DecoderFactory.get().binaryDecoder(batch, null)));
    }

    /** The same with a reused decoder (what Avro allows; the deserializer allocates one per record). */
    @Benchmark
    public long sampleBatchReusedDecoder() throws IOException {
        reuse = DecoderFactory.get().binaryDecoder(batch, reuse);
        return unpacked(batchReader.read(null, reuse));
    }

    private static long unpacked(SampleBatch b) {
        ByteBuffer view = SampleCodec.view(b.getSamples(), b.getSampleCount());
        long sum = 0;
        for (int i = 0; i < b.getSampleCount(); i++) {
            long packed = view.getLong();
            sum += SampleCodec.gfn(packed) + SampleCodec.xwr(packed);
        }
        return sum;
    }

    /** A 32,768-page scan chunk sent as two bitmaps. */
    @Benchmark
    public int scanAsBitmaps() throws IOException {
        AdScan s = scanReader.read(null, DecoderFactory.get().binaryDecoder(bitmapScan, null));
        return ScanRuns.accessedBitmap(s).length + ScanRuns.dirtyBitmap(s).length;
    }

    /** The same chunk sent as runs, expanded back into bitmaps. */
    @Benchmark
    public int scanAsRuns() throws IOException {
        AdScan s = scanReader.read(null, DecoderFactory.get().binaryDecoder(runsScan, null));
        return ScanRuns.accessedBitmap(s).length + ScanRuns.dirtyBitmap(s).length;
    }

    /** The collector's side of it: encoding the two bitmaps as runs. */
    @Benchmark
    public int encodeRuns() throws IOException {
        AdScan s = scanReader.read(null, DecoderFactory.get().binaryDecoder(bitmapScan, null));
        return ScanRuns.encodeIfSmaller(ScanRuns.accessedBitmap(s), PAGES).length
                + ScanRuns.encodeIfSmaller(ScanRuns.dirtyBitmap(s), PAGES).length;
    }

    private static byte[] avro(SpecificRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<SpecificRecord>(record.getSchema()).write(record, enc);
        enc.flush();
        return out.toByteArray();
    }

    /** Sizes for the docs: bytes of each form. */
    public static void main(String[] args) throws IOException {
        DecodePathBenchmark b = new DecodePathBenchmark();
        b.setUp();
        System.out.printf("batch %d B, scan as bitmaps %d B, as runs %d B%n", b.batch.length, b.bitmapScan.length,
                b.runsScan.length);
    }
}
