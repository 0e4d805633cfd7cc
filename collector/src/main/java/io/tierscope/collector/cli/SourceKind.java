package io.tierscope.collector.cli;

import java.util.Locale;
import java.util.Set;

/** The kinds of source {@code collect} can run, with the per-VM keys each accepts in a config file. */
public enum SourceKind {
    /** A seeded synthetic workload (samples, plus the A/D scans they imply). */
    SYNTHETIC("synthetic", true, Set.of("shape", "rate", "seed", "samples", "scan-period")),
    /** Replay of a trace file. */
    TRACE("trace", true, Set.of("file", "format", "rate")),
    /** kvm-ept-sample: sampled EPT violations of a QEMU process. */
    EPT("ept", true, Set.of("pid", "rate", "xwr", "device")),
    /** Idle page tracking: accessed bits. */
    IDLE("idle", false, Set.of("pid", "period", "guest-ram", "chunk-pages")),
    /** Soft-dirty: dirty bits. */
    SOFT_DIRTY("soft-dirty", false, Set.of("pid", "period", "guest-ram", "chunk-pages"));

    private final String label;
    private final boolean samples;
    private final Set<String> keys;

    SourceKind(String label, boolean samples, Set<String> keys) {
        this.label = label;
        this.samples = samples;
        this.keys = keys;
    }

    public String label() {
        return label;
    }

    /** True for sample sources, false for A/D scan sources. */
    public boolean samples() {
        return samples;
    }

    /** True for sources reading a live process through kernel interfaces. */
    public boolean live() {
        return this == EPT || this == IDLE || this == SOFT_DIRTY;
    }

    public Set<String> keys() {
        return keys;
    }

    public static SourceKind parse(String label) {
        for (SourceKind k : values()) {
            if (k.label.equals(label.toLowerCase(Locale.ROOT).strip())) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown source '" + label + "' (expected synthetic, trace, ept, idle or soft-dirty)");
    }

    @Override
    public String toString() {
        return label;
    }
}
