package io.tierscope.collector.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.avro.AdScan;
import io.tierscope.avro.SampleBatch;
import io.tierscope.collector.produce.Collector;
import io.tierscope.collector.produce.CollectorSettings;
import io.tierscope.schemas.SampleCodec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CollectCommandTest {
    private static final String[] CLUSTER = {"--bootstrap-servers", "127.0.0.1:1", "--schema-registry", "http://127.0.0.1:1",
        "--no-create-topics", "--metrics-interval", "0"};

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final List<MockProducer<String, SpecificRecord>> producers = new ArrayList<>();
    private final List<CollectorSettings> settingsSeen = new ArrayList<>();
    private Function<CollectorSettings, Collector> original;

    @BeforeEach
    void mockKafka() {
        original = CollectCommand.collectorFactory;
        CollectCommand.collectorFactory = settings -> {
            MockProducer<String, SpecificRecord> p = new MockProducer<>(true, null, new StringSerializer(),
                    (topic, data) -> new byte[0]);
            producers.add(p);
            settingsSeen.add(settings);
            return Collector.create(settings, p);
        };
    }

    @AfterEach
    void restore() {
        CollectCommand.collectorFactory = original;
    }

    /** The command as the app's Main wires it: bad arguments give one line and exit code 2. */
    private int run(String... args) {
        CommandLine cli = new CommandLine(new CollectCommand());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("tierscope: " + ex.getMessage());
            return 2;
        });
        cli.setExecutionExceptionHandler((ex, c, parsed) -> {
            c.getErr().println("tierscope: collect failed: " + ex.getMessage());
            return 1;
        });
        return cli.execute(args);
    }

    private int runWithCluster(String... args) {
        String[] all = new String[CLUSTER.length + args.length];
        System.arraycopy(CLUSTER, 0, all, 0, CLUSTER.length);
        System.arraycopy(args, 0, all, CLUSTER.length, args.length);
        return run(all);
    }

    @Test
    void helpDocumentsEveryOption() {
        assertEquals(0, run("--help"));
        String help = out.toString();
        CommandLine.Model.CommandSpec spec = new CommandLine(new CollectCommand()).getCommandSpec();
        for (CommandLine.Model.OptionSpec o : spec.options()) {
            assertTrue(help.contains(o.longestName().replaceFirst("^--(no-)?", "")), "help lacks " + o.longestName());
            assertTrue(o.hidden() || o.description().length > 0, o.longestName() + " has no description");
        }
        assertTrue(help.contains("vm <ID> <SOURCE>") && help.contains("Shapes:"), "help documents the config file format");
    }

    @Test
    void badArgumentsGiveOneLineAndExitCode2() {
        String[][] cases = {
            {"--source", "qemu"},
            {"--trace", "a.csv"},
            {"--source", "trace"},
            {"--source", "ept"},
            {"--source", "synthetic,trace", "--trace", "a.csv"},
            {"--source", "trace", "--trace", "a.csv", "--vm", "a", "--vm", "b"},
            {"--duration", "soon"},
            {"--rate"},
            {"--speed", "0"},
            {"--source", "synthetic", "--shape", "zapf"},
            {"--prefilter-rate", "2"},
            {"--scan-buffer-share", "0"},
            {"--scan-buffer-share", "1.5"},
            {"--scan-encoding", "zip"},
        };
        for (String[] c : cases) {
            err.getBuffer().setLength(0);
            assertEquals(2, runWithCluster(c), String.join(" ", c) + " -> " + err);
            assertEquals(1, err.toString().strip().lines().count(), "one line for " + String.join(" ", c) + ": " + err);
            if (c[0].startsWith("--scan-")) {
                assertTrue(err.toString().contains(c[0]), "the message names " + c[0] + ": " + err);
            }
        }
    }

    @Test
    void aMissingClusterIsNamedWithItsEnvironmentVariable() {
        if (System.getenv("KAFKA_BOOTSTRAP_SERVERS") != null) {
            return; // the environment provides the default this test is about
        }
        assertEquals(2, run("--source", "synthetic", "--schema-registry", "http://x"));
        assertTrue(err.toString().contains("KAFKA_BOOTSTRAP_SERVERS"), err.toString());
    }

    @Test
    void liveSourcesOnAHostWithoutTheKernelInterfacesFailWithWhatIsMissing() {
        int pid = (int) ProcessHandle.current().pid();
        assertEquals(1, runWithCluster("--source", "ept", "--pid", Integer.toString(pid),
                "--ept-device", dir.resolve("kvm_ept_sample").toString()));
        assertTrue(err.toString().contains("kvm-ept-sample device"), err.toString());
        err.getBuffer().setLength(0);
        assertEquals(1, runWithCluster("--source", "idle", "--pid", Integer.toString(pid),
                "--idle-bitmap", dir.resolve("no-bitmap").toString()));
        assertTrue(err.toString().contains("idle page tracking"), err.toString());
        assertTrue(producers.get(0).history().isEmpty());
    }

    @Test
    void twoTracesReplayAsTwoVmsAndEverySampleArrives() throws IOException {
        Path a = Files.writeString(dir.resolve("web.csv"), "1,r\n2,w\n3,x\n");
        Path b = Files.writeString(dir.resolve("db.csv"), "10\n11\n");
        assertEquals(0, runWithCluster("--source", "trace", "--trace", a.toString(), "--trace", b.toString(),
                "--vm", "web-1", "--host", "h9"), err.toString());
        assertArrayEquals(new long[] {SampleCodec.pack(1, 1), SampleCodec.pack(2, 2), SampleCodec.pack(3, 4)}, samplesOf("web-1"));
        assertArrayEquals(new long[] {SampleCodec.pack(10, 1), SampleCodec.pack(11, 1)}, samplesOf("db"));
        assertEquals("h9", settingsSeen.get(0).host());
        assertTrue(out.toString().contains("5 samples published, 0 lost"), out.toString());
    }

    @Test
    void aConfigFileRunsSeveralSyntheticVmsAndTheCommandLineWinsOverItsSettings() throws IOException {
        Path conf = Files.writeString(dir.resolve("host.conf"), """
                batch-samples = 100
                buffer-mb = 1
                compression = lz4
                vm a synthetic shape=loop:pages=64 samples=1000 scan-period=0
                vm b synthetic shape=zipf:pages=500 samples=2000 rate=0 scan-period=100
                """);
        assertEquals(0, runWithCluster("--config", conf.toString(), "--compression", "zstd", "--rate", "0"), err.toString());
        CollectorSettings s = settingsSeen.get(0);
        assertEquals(100, s.maxBatchSamples());
        assertEquals(1 << 20, s.bufferBytes());
        assertEquals("zstd", s.compression());
        assertEquals(1000, samplesOf("a").length);
        assertEquals(2000, samplesOf("b").length);
        long scansOfB = producers.get(0).history().stream().filter(r -> r.value() instanceof AdScan).count();
        assertEquals(1, scansOfB, "b: one partial period of a 500-page VM = one chunk; a: none");
    }

    @Test
    void theClientSecurityFileReachesTheProducerFromTheOptionOrTheConfigFile() throws IOException {
        Path security = Files.writeString(dir.resolve("client.properties"),
                "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\nbasic.auth.user.info=collector:pw\n");
        assertEquals(0, runWithCluster("--client-config", security.toString(), "--source", "synthetic", "--vm", "a",
                "--samples", "10", "--rate", "0", "--scan-period", "0"), err.toString());
        Path conf = Files.writeString(dir.resolve("collect.conf"), "client-config = " + security + "\nvm b synthetic samples=10 rate=0 scan-period=0\n");
        assertEquals(0, runWithCluster("--config", conf.toString()), err.toString());
        assertEquals(2, settingsSeen.size());
        for (CollectorSettings settings : settingsSeen) {
            java.util.Properties producer = settings.producerProperties();
            assertEquals("SASL_SSL", producer.getProperty("security.protocol"));
            assertEquals("SCRAM-SHA-512", producer.getProperty("sasl.mechanism"));
            assertEquals("collector:pw", producer.getProperty("basic.auth.user.info"), "the value serializer is configured from these");
            assertEquals("127.0.0.1:1", producer.getProperty("bootstrap.servers"));
        }
    }

    @Test
    void aClientSecurityFileWithAForeignKeyIsAUsageError() throws IOException {
        Path security = Files.writeString(dir.resolve("client.properties"), "security.protocol=SSL\nlinger.ms=5\n");
        assertEquals(2, runWithCluster("--client-config", security.toString(), "--source", "synthetic", "--vm", "a",
                "--samples", "10"));
        assertTrue(err.toString().contains("'linger.ms' is not a client security setting"), err.toString());
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
    }

    @Test
    void aConfigFileTypoOrBadValueIsOneLineNamingTheNearestSettingOrTheOption() throws IOException {
        Path typo = Files.writeString(dir.resolve("typo.conf"), "bufer-mb = 8\nvm a synthetic samples=10\n");
        assertEquals(2, runWithCluster("--config", typo.toString()));
        assertEquals(typo + ":1: unknown setting 'bufer-mb' (did you mean 'buffer-mb'?)", err.toString().strip().replaceFirst("^tierscope: ", ""));
        err.getBuffer().setLength(0);
        Path bad = Files.writeString(dir.resolve("bad.conf"), "scan-buffer-share = 2\nvm a synthetic samples=10\n");
        assertEquals(2, runWithCluster("--config", bad.toString()));
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertTrue(err.toString().contains("--scan-buffer-share must be in (0, 1], got 2.0"), err.toString());
    }

    @Test
    void theHelpShowsTheTabledDefaults() {
        assertEquals(0, run("--help"));
        String help = out.toString().replaceAll("\\s+", " ");
        assertTrue(help.contains("Samples per SampleBatch record at most (default 4096)"), help);
        assertTrue(help.contains("held for Kafka (default 64.0)"), help);
    }

    @Test
    void aDurationStopsEndlessSyntheticVms() {
        assertEquals(0, runWithCluster("--source", "synthetic", "--vms", "2", "--rate", "2000", "--duration", "300ms"),
                err.toString());
        assertTrue(samplesOf("vm-1").length > 0);
        assertTrue(samplesOf("vm-2").length > 0);
    }

    private long[] samplesOf(String vmId) {
        return producers.get(0).history().stream()
                .filter(r -> r.value() instanceof SampleBatch b && b.getVmId().equals(vmId))
                .flatMapToLong(r -> {
                    SampleBatch b = (SampleBatch) r.value();
                    ByteBuffer v = SampleCodec.view(b.getSamples(), b.getSampleCount());
                    long[] s = new long[b.getSampleCount()];
                    for (int i = 0; i < s.length; i++) {
                        s[i] = v.getLong();
                    }
                    return java.util.Arrays.stream(s);
                }).toArray();
    }
}
