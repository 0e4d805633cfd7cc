package io.tierscope.bench.collector;

import io.tierscope.avro.SampleBatch;
import io.tierscope.avro.SampleSource;
import io.tierscope.collector.source.SyntheticShape;
import io.tierscope.schemas.SampleCodec;
import io.tierscope.workload.synthetic.SyntheticWorkload;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.ByteBufferOutputStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Which producer compression suits packed samples: compresses one producer batch (8 SampleBatch
 * records of 4096 samples, about 256 KiB, Avro-encoded as on the wire) with Kafka's own codecs,
 * the way the producer does, and decompresses it the way the streams app's consumer does.
 * Throughput is in batches/s (x 256 KiB for MB/s); the compression ratio of each case is printed
 * once per trial.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class SampleCompressionBenchmark {
    private static final byte MAGIC_V2 = 2;
    private static final int RECORDS = 8;
    private static final int SAMPLES = 4096;

    /** A codec, or zstd at a level (the producer's {@code compression.zstd.level}; 3 when not set). */
    @Param({"zstd", "zstd:1", "lz4"})
    public String codec;

    /** Sample streams: skewed, mixed, sequential, and a worst case of random pages in 16 GiB. */
    @Param({"zipf:pages=262144,writes=0.3", "mixed:pages=262144,writes=0.4", "loop:pages=65536",
            "uniform:pages=4194304,writes=0.3"})
    public String shape;

    private Compression compression;
    private byte[] plain;
    private ByteBuffer compressed;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        compression = codec.startsWith("zstd:")
                ? Compression.zstd().level(Integer.parseInt(codec.substring("zstd:".length()))).build()
                : Compression.of(codec).build();
        SyntheticWorkload w = SyntheticShape.parse(shape).build(42);
        long[] gfn = new long[SAMPLES];
        byte[] xwr = new byte[SAMPLES];
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        SpecificDatumWriter<SampleBatch> writer = new SpecificDatumWriter<>(SampleBatch.class);
        for (int r = 0; r < RECORDS; r++) {
            w.generate(gfn, xwr, 0, SAMPLES);
            SampleBatch batch = SampleBatch.newBuilder().setVmId("vm-" + r % 3).setHost("host-1")
                    .setSource(SampleSource.EPT_SAMPLE).setBatchSeq(r).setStartTimeMs(1_700_000_000_000L + r * 200L)
                    .setEndTimeMs(1_700_000_000_199L + r * 200L).setSampleCount(SAMPLES)
                    .setSamples(SampleCodec.encode(gfn, xwr, SAMPLES)).setSamplingHz(1000).setDroppedSinceLastBatch(0)
                    .build();
            all.write(new byte[] {0, 0, 0, 0, 1}); // Confluent wire header: magic + schema id
            BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(all, null);
            writer.write(batch, enc);
            enc.flush();
        }
        plain = all.toByteArray();
        compressed = compress();
        System.out.printf(Locale.ROOT, "%n%s %s: %d -> %d bytes, ratio %.2f%n", codec, shape, plain.length,
                compressed.remaining(), (double) plain.length / compressed.remaining());
    }

    @Benchmark
    public ByteBuffer compressBatch() throws IOException {
        return compress();
    }

    @Benchmark
    public long decompressBatch() throws IOException {
        long sum = 0;
        byte[] chunk = new byte[16 * 1024];
        try (InputStream in = compression.wrapForInput(compressed.duplicate(), MAGIC_V2, BufferSupplier.NO_CACHING)) {
            int n;
            while ((n = in.read(chunk)) > 0) {
                sum += n + chunk[0];
            }
        }
        return sum;
    }

    private ByteBuffer compress() throws IOException {
        ByteBufferOutputStream buffer = new ByteBufferOutputStream(plain.length + 1024);
        try (OutputStream out = compression.wrapForOutput(buffer, MAGIC_V2)) {
            out.write(plain);
        }
        return buffer.buffer().flip();
    }
}
