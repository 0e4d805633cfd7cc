package io.tierscope.bench.collector;

import io.tierscope.avro.SampleSource;
import io.tierscope.collector.produce.Collector;
import io.tierscope.collector.produce.CollectorSettings;
import io.tierscope.collector.produce.MetricsSnapshot;
import io.tierscope.collector.source.SyntheticVm;
import io.tierscope.workload.synthetic.LoopWorkload;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The collector's own cost per sample, Kafka left out: one million samples of a cheap generator
 * through pump, pre-filter, per-VM batcher, packing, send buffer and sender into a producer that
 * acknowledges at once. Samples/s = 1e6 / (time per op). A kvm-ept-sample host produces at most
 * a few hundred thousand samples/s, so this must be well above that.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class CollectorThroughputBenchmark {
    private static final long SAMPLES = 1_000_000;

    /** Spatial pre-filter rate; 1 = off. */
    @Param({"1", "0.1"})
    public double prefilterRate;

    @Benchmark
    public MetricsSnapshot millionSamples() throws InterruptedException {
        MockProducer<String, SpecificRecord> producer = new MockProducer<>(true, null, new StringSerializer(),
                (topic, value) -> new byte[0]);
        CollectorSettings settings = CollectorSettings.builder().bootstrapServers("unused:9092")
                .schemaRegistryUrl("http://unused").host("bench").metricsIntervalMs(0).prefilterRate(prefilterRate)
                .build();
        Collector collector = Collector.create(settings, producer)
                .reportTo(line -> { })
                .addSamples(new SyntheticVm("vm", new LoopWorkload(0, 1 << 20), 1 << 20, SAMPLES, 0, 0, 4096),
                        SampleSource.SYNTHETIC, 0, 0);
        collector.start();
        collector.awaitSourcesEnded(Duration.ofMinutes(1));
        MetricsSnapshot m = collector.stop(Duration.ofMinutes(1));
        if (m.samplesRead() != SAMPLES) {
            throw new IllegalStateException("read " + m.samplesRead() + " of " + SAMPLES);
        }
        return m;
    }
}
