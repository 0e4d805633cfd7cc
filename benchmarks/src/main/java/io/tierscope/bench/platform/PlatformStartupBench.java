package io.tierscope.bench.platform;

import io.tierscope.platform.EmbeddedPlatform;
import io.tierscope.platform.PlatformConfig;
import io.tierscope.platform.kafka.BrokerProcess;
import io.tierscope.platform.process.FreePorts;
import io.tierscope.platform.registry.ApicurioDistribution;
import io.tierscope.platform.registry.RegistryJava;
import io.tierscope.platform.registry.RegistryProcess;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Time from launch to serving for the embedded platform's children, each on a fresh data dir
 * (so the broker also formats its log). The registry distribution is unpacked once, in setup.
 * Run: {@code java -jar benchmarks/target/benchmarks.jar PlatformStartupBench -f 1 -wi 1 -i 3}
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(java.util.concurrent.TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(1)
@State(Scope.Thread)
public class PlatformStartupBench {
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    private Path distribution;
    private Path registryJava;
    private Path dataDir;
    private AutoCloseable started;

    @Setup(Level.Trial)
    public void locateRegistry() {
        distribution = ApicurioDistribution.prepare();
        registryJava = RegistryJava.find();
    }

    @Setup(Level.Iteration)
    public void freshDataDir() throws IOException {
        dataDir = Files.createTempDirectory("tierscope-bench-platform-");
    }

    @TearDown(Level.Iteration)
    public void stopAndDelete() throws Exception {
        if (started != null) {
            started.close();
            started = null;
        }
        try (Stream<Path> paths = Files.walk(dataDir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.delete(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    @Benchmark
    public Object broker() {
        int[] ports = FreePorts.pick(2);
        BrokerProcess broker = BrokerProcess.start(dataDir, ports[0], ports[1], TIMEOUT);
        started = broker;
        return broker;
    }

    @Benchmark
    public Object registry() {
        RegistryProcess registry = RegistryProcess.start(distribution, registryJava, dataDir, FreePorts.pick(), TIMEOUT);
        started = registry;
        return registry;
    }

    /** Both in parallel, as the demo and the integration tests start them. */
    @Benchmark
    public Object platform() {
        EmbeddedPlatform platform = EmbeddedPlatform.start(PlatformConfig.builder().dataDir(dataDir).startupTimeout(TIMEOUT).build());
        started = platform;
        return platform;
    }
}
