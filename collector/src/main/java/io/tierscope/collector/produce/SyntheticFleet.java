package io.tierscope.collector.produce;

import io.tierscope.cli.ClientSecurity;
import io.tierscope.avro.SampleSource;
import io.tierscope.collector.source.SyntheticShape;
import io.tierscope.collector.source.SyntheticVm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The demo's and the tests' synthetic fleet: several VMs of different shapes, each publishing
 * {@code SampleBatch} records to the raw-samples topic and the A/D scans its own accesses imply
 * to the scans topic, through one {@link Collector}.
 *
 * <pre>
 *   try (SyntheticFleet fleet = SyntheticFleet.start(bootstrap, registryUrl,
 *           SyntheticFleet.defaultVms(4), 50_000, 1000)) {
 *       ...; fleet.metrics();
 *   }
 * </pre>
 */
public final class SyntheticFleet implements AutoCloseable {
    /** Shapes {@link #defaultVms} cycles through: different MRCs and heat patterns side by side. */
    public static final List<String> DEFAULT_SHAPES = List.of(
            "zipf:pages=262144,s=1.0,writes=0.3",
            "phases:pages=131072,count=4,perphase=2000000,writes=0.2",
            "mixed:pages=262144,writes=0.4",
            "loop:pages=65536,writes=0.1",
            "uniform:pages=32768,writes=0.5",
            "zipf:pages=1048576,s=0.8,writes=0.1");
    /** Samples per scan period when the fleet runs unpaced (rate 0). */
    public static final long UNPACED_SAMPLES_PER_SCAN = 100_000;

    /** One synthetic VM: its id, its access pattern and its generator seed. */
    public record VmSpec(String vmId, SyntheticShape shape, long seed) {
        public VmSpec {
            Objects.requireNonNull(vmId, "vmId");
            Objects.requireNonNull(shape, "shape");
        }

        public static VmSpec of(String vmId, String shapeSpec, long seed) {
            return new VmSpec(vmId, SyntheticShape.parse(shapeSpec), seed);
        }
    }

    private final Collector collector;
    private final List<SyntheticVm> vms;

    private SyntheticFleet(Collector collector, List<SyntheticVm> vms) {
        this.collector = collector;
        this.vms = vms;
    }

    /** {@code count} VMs named vm-1 ... vm-count, cycling through {@link #DEFAULT_SHAPES}, seeds 1 ... count. */
    public static List<VmSpec> defaultVms(int count) {
        if (count <= 0) {
            throw new IllegalArgumentException("a fleet needs at least one VM, got " + count);
        }
        List<VmSpec> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            out.add(VmSpec.of("vm-" + (i + 1), DEFAULT_SHAPES.get(i % DEFAULT_SHAPES.size()), i + 1));
        }
        return out;
    }

    /**
     * Starts an endless fleet against a Kafka cluster and registry with default collector
     * settings.
     *
     * @param ratePerVm    samples per second per VM (0 = as fast as possible)
     * @param scanPeriodMs A/D scan period; each VM emits one scan per period (0 = no scans)
     */
    public static SyntheticFleet start(String bootstrapServers, String schemaRegistryUrl, List<VmSpec> vms,
                                       double ratePerVm, int scanPeriodMs) {
        return start(ClientSecurity.NONE, bootstrapServers, schemaRegistryUrl, vms, ratePerVm, scanPeriodMs);
    }

    /** {@link #start(String, String, List, double, int)} on a secured cluster and registry. */
    public static SyntheticFleet start(ClientSecurity security, String bootstrapServers, String schemaRegistryUrl,
                                       List<VmSpec> vms, double ratePerVm, int scanPeriodMs) {
        CollectorSettings settings = CollectorSettings.builder().security(security)
                .bootstrapServers(bootstrapServers).schemaRegistryUrl(schemaRegistryUrl).build();
        return start(Collector.create(settings), vms, ratePerVm, scanPeriodMs, -1);
    }

    /**
     * Starts a fleet on a prepared collector (own settings, or a test producer).
     *
     * @param samplesPerVm samples after which each VM's stream ends; negative = endless
     */
    public static SyntheticFleet start(Collector collector, List<VmSpec> vms, double ratePerVm, int scanPeriodMs,
                                       long samplesPerVm) {
        if (!(ratePerVm >= 0) || scanPeriodMs < 0) {
            throw new IllegalArgumentException("rate must be >= 0 samples/s and the scan period >= 0 ms, got "
                    + ratePerVm + " and " + scanPeriodMs);
        }
        Set<String> ids = new HashSet<>();
        List<SyntheticVm> built = new ArrayList<>();
        for (VmSpec spec : vms) {
            if (!ids.add(spec.vmId())) {
                throw new IllegalArgumentException("VM id " + spec.vmId() + " appears twice in the fleet");
            }
            long perScan = scanPeriodMs == 0 ? 0 : samplesPerScan(ratePerVm, scanPeriodMs);
            SyntheticVm vm = SyntheticVm.of(spec.vmId(), spec.shape(), spec.seed(), samplesPerVm, perScan, scanPeriodMs);
            collector.addSamples(vm, SampleSource.SYNTHETIC, 0, ratePerVm);
            if (vm.scans() != null) {
                collector.addScans(spec.vmId(), vm.scans(), io.tierscope.avro.ScanSource.SYNTHETIC, false);
            }
            built.add(vm);
        }
        collector.start();
        return new SyntheticFleet(collector, List.copyOf(built));
    }

    /** Samples in one scan period at the given pace (at least 1). */
    public static long samplesPerScan(double ratePerVm, int scanPeriodMs) {
        return ratePerVm == 0 ? UNPACED_SAMPLES_PER_SCAN : Math.max(1, Math.round(ratePerVm * scanPeriodMs / 1000.0));
    }

    /** The VMs, with their generators' ground truth. Read them only after {@link #stop}. */
    public List<SyntheticVm> vms() {
        return vms;
    }

    public Collector collector() {
        return collector;
    }

    /** The counters now. */
    public MetricsSnapshot metrics() {
        return collector.metrics().snapshot();
    }

    /** Waits for finite streams (samplesPerVm >= 0) to end; true if they all did in time. */
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
        return collector.awaitSourcesEnded(timeout);
    }

    /** Stops the VMs, delivers what was generated (up to 60 s) and returns the final counts. */
    public MetricsSnapshot stop() {
        return collector.stop(Duration.ofSeconds(60));
    }

    @Override
    public void close() {
        stop();
    }
}
