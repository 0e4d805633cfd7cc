package io.tierscope.simulator;

import io.tierscope.workload.synthetic.LoopWorkload;
import io.tierscope.workload.synthetic.MixtureWorkload;
import io.tierscope.workload.synthetic.PhaseShiftWorkload;
import io.tierscope.workload.synthetic.ScanWorkload;
import io.tierscope.workload.synthetic.UniformWorkload;
import io.tierscope.workload.synthetic.ZipfWorkload;
import java.util.List;

/** The named synthetic fleets of {@code simulate --synthetic}, seeded. */
final class SyntheticFleets {
    static final List<String> NAMES = List.of("zipf", "phase-shift", "scan-polluted", "multi-vm");

    private SyntheticFleets() {
    }

    /**
     * @param pages      pages per VM
     * @param perPeriod  accesses per VM per period
     * @param periods    periods to run
     */
    static List<VmSource> of(String name, long seed, int pages, int perPeriod, int periods) {
        return switch (name) {
            // Graded heat: Zipf popularity, exponent 0.9, over the VM's pages.
            case "zipf" -> List.of(VmSource.of("zipf", new ZipfWorkload(seed, 0, pages, 0.9), pages, perPeriod, periods));
            // The hot set moves every 10 periods between two halves of the VM (Zipf within each).
            case "phase-shift" -> List.of(VmSource.of("phase-shift", new PhaseShiftWorkload(10L * perPeriod, List.of(
                    new ZipfWorkload(seed, 0, pages / 2, 0.9), new ZipfWorkload(seed + 1, pages / 2, pages - pages / 2, 0.9))),
                    pages, perPeriod, periods));
            // Zipf traffic with a fifth of the accesses a sequential scan over the whole VM.
            case "scan-polluted" -> List.of(VmSource.of("scan-polluted", new MixtureWorkload(seed, List.of(
                    new ZipfWorkload(seed + 1, 0, pages, 0.9), new ScanWorkload(0, pages)), new double[] {0.8, 0.2}),
                    pages, perPeriod, periods));
            // Four different VMs on one host: skewed, a loop with a cliff, uniform, and a small hot set.
            case "multi-vm" -> List.of(
                    VmSource.of("vm-zipf", new ZipfWorkload(seed, 0, pages, 1.1), pages, perPeriod, periods),
                    VmSource.of("vm-loop", new LoopWorkload(0, pages / 16), pages / 16, perPeriod, periods),
                    VmSource.of("vm-uniform", new UniformWorkload(seed + 2, 0, pages), pages, perPeriod, periods),
                    VmSource.of("vm-hotset", new MixtureWorkload(seed + 3, List.of(
                            new UniformWorkload(seed + 4, 0, pages / 32), new UniformWorkload(seed + 5, 0, pages)),
                            new double[] {0.9, 0.1}), pages, perPeriod, periods));
            default -> throw new IllegalArgumentException("no synthetic fleet '" + name + "' (one of " + NAMES + ")");
        };
    }
}
