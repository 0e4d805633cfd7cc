package io.tierscope.collector.cli;

import io.tierscope.avro.SampleSource;
import io.tierscope.collector.linux.AdBitScanSource;
import io.tierscope.collector.linux.EptSampleSource;
import io.tierscope.collector.linux.KernelSupport;
import io.tierscope.collector.linux.ScanRange;
import io.tierscope.collector.produce.Collector;
import io.tierscope.collector.produce.SyntheticFleet;
import io.tierscope.collector.source.SampleFeeds;
import io.tierscope.collector.source.SyntheticShape;
import io.tierscope.collector.source.SyntheticVm;
import io.tierscope.collector.source.TraceReplaySource;
import io.tierscope.nativeaccess.EptSampleAbi;
import io.tierscope.nativeaccess.LibC;
import io.tierscope.workload.trace.ReadProgress;
import io.tierscope.workload.trace.TraceFormat;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Opens the sources a {@code collect} run names and adds them to the collector. */
final class SourceWiring {

    /**
     * Host-wide defaults the per-VM settings fall back to; {@code rate} null means each kind's
     * own default (synthetic 10 000 samples/s, trace as fast as possible, ept 1000 Hz).
     */
    record Defaults(Double rate, double speed, int scanPeriodMs, int chunkPages, String eptDevice, String idleBitmap) {
        static final double SYNTHETIC_RATE = 10_000;
        static final long EPT_HZ = 1000;
    }

    private SourceWiring() {
    }

    /**
     * Opens every source and adds it to {@code collector} (which closes them on stop, also when
     * this method fails half-way and the caller stops it). Returns the trace files' read progress,
     * by VM id, for the status line.
     */
    static Map<String, ReadProgress> wire(Collector collector, List<VmSource> sources, Defaults d) throws IOException {
        CollectConfig.checkOneSampleSourcePerVm(sources);
        Map<String, EptSampleSource> ept = new HashMap<>();
        Map<String, List<VmSource>> scans = new LinkedHashMap<>();
        Map<String, ReadProgress> traces = new LinkedHashMap<>();
        int synthetic = 0;
        for (VmSource s : sources) {
            switch (s.kind()) {
                case SYNTHETIC -> synthetic(collector, s, synthetic++, d);
                case TRACE -> traces.put(s.vmId(), trace(collector, s, d));
                case EPT -> ept.put(s.vmId(), ept(collector, s, d));
                case IDLE, SOFT_DIRTY -> scans.computeIfAbsent(s.vmId(), k -> new ArrayList<>()).add(s);
            }
        }
        for (List<VmSource> vmScans : scans.values()) {
            adBits(collector, vmScans, ept.get(vmScans.get(0).vmId()), d);
        }
        return traces;
    }

    private static void synthetic(Collector collector, VmSource s, int index, Defaults d) {
        String spec = s.param("shape", SyntheticFleet.DEFAULT_SHAPES.get(index % SyntheticFleet.DEFAULT_SHAPES.size()));
        SyntheticShape shape;
        try {
            shape = SyntheticShape.parse(spec);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(s.origin() + ": VM " + s.vmId() + ": " + e.getMessage());
        }
        double rate = positiveOrZero(s, s.doubleParam("rate", d.rate() != null ? d.rate() : Defaults.SYNTHETIC_RATE), "rate");
        int period = (int) s.longParam("scan-period", d.scanPeriodMs());
        long perScan = period == 0 ? 0 : SyntheticFleet.samplesPerScan(rate, period);
        // Scan periods are counted at the nominal rate; --speed only makes virtual time pass faster.
        SyntheticVm vm = SyntheticVm.of(s.vmId(), shape, s.longParam("seed", index + 1L), s.longParam("samples", -1),
                perScan, period);
        collector.addSamples(vm, SampleSource.SYNTHETIC, 0, rate * d.speed());
        if (vm.scans() != null) {
            collector.addScans(s.vmId(), vm.scans(), io.tierscope.avro.ScanSource.SYNTHETIC, false);
        }
    }

    private static ReadProgress trace(Collector collector, VmSource s, Defaults d) throws IOException {
        String format = s.param("format", null);
        TraceFormat f;
        try {
            f = format == null || format.equals("auto") ? null : TraceFormat.parse(format);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(s.origin() + ": VM " + s.vmId() + ": " + e.getMessage());
        }
        TraceReplaySource feed = TraceReplaySource.open(Path.of(s.required("file")), f, s.vmId());
        double rate = positiveOrZero(s, s.doubleParam("rate", d.rate() != null ? d.rate() : 0), "rate");
        collector.addSamples(feed, SampleSource.TRACE, 0, rate * d.speed());
        return feed.progress();
    }

    private static EptSampleSource ept(Collector collector, VmSource s, Defaults d) throws IOException {
        int pid = pid(s);
        long hz = s.longParam("rate", d.rate() != null ? d.rate().longValue() : Defaults.EPT_HZ);
        if (hz <= 0 || hz > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(s.origin() + ": VM " + s.vmId() + ": ept rate is the sampling frequency in Hz, > 0; got " + hz);
        }
        String device = s.param("device", d.eptDevice());
        LibC libc = LibC.load();
        KernelSupport.Check check = KernelSupport.ofThisHost(libc).eptDevice(device);
        if (!check.supported()) {
            throw new IllegalStateException("VM " + s.vmId() + ": " + check);
        }
        EptSampleSource source = EptSampleSource.start(libc, device, pid, xwr(s), hz);
        collector.addSamples(SampleFeeds.of(s.vmId(), source, true), SampleSource.EPT_SAMPLE, (int) hz, 0);
        return source;
    }

    private static void adBits(Collector collector, List<VmSource> vmScans, EptSampleSource ept, Defaults d) throws IOException {
        VmSource first = vmScans.get(0);
        int pid = pid(first);
        boolean accessed = false;
        boolean dirty = false;
        for (VmSource s : vmScans) {
            if (pid(s) != pid) {
                throw new IllegalArgumentException(s.origin() + ": VM " + s.vmId() + " is pid " + pid + " at " + first.origin()
                        + " but pid " + pid(s) + " here");
            }
            accessed |= s.kind() == SourceKind.IDLE;
            dirty |= s.kind() == SourceKind.SOFT_DIRTY;
        }
        LibC libc = LibC.load();
        KernelSupport support = KernelSupport.ofThisHost(libc);
        List<KernelSupport.Check> needed = new ArrayList<>();
        if (accessed) {
            needed.add(support.pageIdle(d.idleBitmap()));
            needed.add(support.pagemapPfns());
        }
        if (dirty) {
            needed.add(support.softDirty());
        }
        for (KernelSupport.Check c : needed) {
            if (!c.supported()) {
                throw new IllegalStateException("VM " + first.vmId() + " (" + first.origin() + "): " + c);
            }
        }
        AdBitScanSource.Bits bits = accessed && dirty ? AdBitScanSource.Bits.ACCESSED_AND_DIRTY
                : accessed ? AdBitScanSource.Bits.ACCESSED : AdBitScanSource.Bits.DIRTY;
        // With kvm-ept-sample the memslots give real guest frame numbers; otherwise the guest RAM
        // mapping of the QEMU process is keyed by its virtual page numbers.
        List<ScanRange> ranges = ept != null ? ScanRange.of(ept.memslots())
                : List.of(ScanRange.ofGuestRam(pid, first.param("guest-ram", null)));
        int period = (int) first.longParam("period", d.scanPeriodMs());
        int chunk = (int) first.longParam("chunk-pages", d.chunkPages());
        AdBitScanSource source = AdBitScanSource.open(libc, pid, bits, ranges, chunk, period, d.idleBitmap());
        collector.addScans(first.vmId(), source, source.kind(), true);
    }

    static int xwr(VmSource s) {
        String v = s.param("xwr", "rwx").strip();
        int bits = 0;
        for (char c : v.toCharArray()) {
            bits |= switch (c) {
                case 'r' -> EptSampleAbi.PROT_READ;
                case 'w' -> EptSampleAbi.PROT_WRITE;
                case 'x' -> EptSampleAbi.PROT_EXEC;
                default -> throw new IllegalArgumentException(s.origin() + ": VM " + s.vmId()
                        + ": xwr must be letters from 'xwr', got '" + v + "'");
            };
        }
        if (bits == 0) {
            throw new IllegalArgumentException(s.origin() + ": VM " + s.vmId() + ": xwr names no access type");
        }
        return bits;
    }

    private static int pid(VmSource s) {
        long pid = s.longParam("pid", -1);
        if (pid <= 0 || pid > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(s.origin() + ": VM " + s.vmId() + " (" + s.kind() + ") needs pid=PID of its QEMU process");
        }
        return (int) pid;
    }

    private static double positiveOrZero(VmSource s, double v, String key) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(s.origin() + ": VM " + s.vmId() + ": " + key + " must be >= 0, got " + v);
        }
        return v;
    }
}
