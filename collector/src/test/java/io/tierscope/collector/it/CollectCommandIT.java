package io.tierscope.collector.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.avro.SampleBatch;
import io.tierscope.avro.SampleSource;
import io.tierscope.collector.cli.CollectCommand;
import io.tierscope.platform.Platform;
import io.tierscope.platform.testing.PlatformExtension;
import io.tierscope.schemas.SampleCodec;
import io.tierscope.topics.Topic;
import io.tierscope.workload.trace.BinaryTraceWriter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code tierscope collect} end to end: trace files in, the exact accesses out of Kafka. */
@ExtendWith(PlatformExtension.class)
class CollectCommandIT {
    @TempDir
    Path dir;

    @Test
    void replayingTwoTracesPublishesEveryAccessOfBothVms(Platform platform) throws Exception {
        String run = PlatformExtension.uniqueTopic("cli");
        StringBuilder text = new StringBuilder("page,xwr\n");
        for (int i = 0; i < 5000; i++) {
            text.append(i % 700).append(',').append(i % 3 == 0 ? "rw" : "r").append('\n');
        }
        Path a = Files.writeString(dir.resolve("a.csv"), text);
        Path b = dir.resolve("b.tst");
        try (BinaryTraceWriter w = new BinaryTraceWriter(Files.newOutputStream(b))) {
            int vm = w.vm("default");
            for (int i = 0; i < 7000; i++) {
                w.write(1_000_000L + i * 5L, 1 << (i % 3), vm);
            }
        }
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new CollectCommand());
        cli.setOut(new PrintWriter(out, true));
        int code = cli.execute("--source", "trace", "--trace", a.toString(), "--trace", b.toString(),
                "--vm", run + "-a", "--vm", run + "-b", "--rate", "20000", "--speed", "2",
                "--bootstrap-servers", platform.bootstrapServers(), "--schema-registry", platform.schemaRegistryUrl(),
                "--partitions", "3", "--metrics-interval", "0", "--host", "cli-it");
        assertEquals(0, code, out.toString());
        assertTrue(out.toString().contains("12000 samples published, 0 lost"), out.toString());

        List<SampleBatch> batches = TopicReader.read(platform.bootstrapServers(), platform.schemaRegistryUrl(),
                Topic.RAW_SAMPLES, Set.of(run + "-a", run + "-b"),
                got -> got.stream().mapToLong(SampleBatch::getSampleCount).sum() >= 12_000, Duration.ofSeconds(60));
        long[] expectedA = new long[5000];
        for (int i = 0; i < 5000; i++) {
            expectedA[i] = SampleCodec.pack(i % 700, i % 3 == 0 ? 3 : 1);
        }
        long[] expectedB = new long[7000];
        for (int i = 0; i < 7000; i++) {
            expectedB[i] = SampleCodec.pack(1_000_000L + i * 5L, 1 << (i % 3));
        }
        assertArrayEquals(expectedA, samples(batches, run + "-a"));
        assertArrayEquals(expectedB, samples(batches, run + "-b"));
        batches.forEach(x -> {
            assertEquals(SampleSource.TRACE, x.getSource());
            assertEquals("cli-it", x.getHost());
        });
    }

    private static long[] samples(List<SampleBatch> batches, String vm) {
        return batches.stream().filter(x -> x.getVmId().equals(vm))
                .flatMapToLong(x -> java.util.Arrays.stream(CollectorIT.unpack(x))).toArray();
    }
}
