package io.tierscope.collector.cli;

import io.tierscope.collector.source.TraceReplaySource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code collect}'s options that name VMs and their sources on the command line (a --config file's vm lines do the same). */
final class VmOptions {
    @Option(names = "--source", split = ",", paramLabel = "KIND",
            description = "Source kinds: synthetic, trace, ept, idle, soft-dirty (comma-separated; ept,idle,soft-dirty "
                    + "may be combined for the same --pid). Default: synthetic, unless --config names VMs.")
    private List<String> sourceKinds = new ArrayList<>();

    @Option(names = "--vm", paramLabel = "ID",
            description = "VM id, repeatable; the i-th --vm names the i-th --trace, --pid or synthetic VM "
                    + "(defaults: trace file name, pid-<PID>, vm-<i>).")
    private List<String> vmIds = new ArrayList<>();

    @Option(names = "--pid", paramLabel = "PID", description = "QEMU process id, repeatable (ept, idle, soft-dirty).")
    private List<Integer> pids = new ArrayList<>();

    @Option(names = "--trace", paramLabel = "FILE",
            description = "Trace file to replay, repeatable: csv, valgrind lackey or the binary format, optionally gzipped.")
    private List<Path> traces = new ArrayList<>();

    @Option(names = "--format", paramLabel = "FMT", description = "Trace format: auto (default), csv, lackey, bin.")
    private String format;

    @Option(names = "--shape", paramLabel = "SPEC",
            description = "Synthetic VM shape, repeatable, by position with --vm (default: a different shape per VM).")
    private List<String> shapes = new ArrayList<>();

    @Option(names = "--vms", paramLabel = "N", description = "Synthetic VMs to run when no --vm is given (default 1).")
    private Integer syntheticVms;

    @Option(names = "--rate", paramLabel = "R",
            description = "Per VM: synthetic samples/s (default 10000), trace accesses/s (default 0 = as fast as "
                    + "possible), ept sampling frequency in Hz (default 1000).")
    private Double rate;

    @Option(names = "--samples", paramLabel = "N", description = "Synthetic: samples per VM before it ends (default endless).")
    private Long samples;

    @Option(names = "--seed", paramLabel = "N", description = "Synthetic: seed of the first VM, the i-th uses seed+i (default 1).")
    private Long seed;

    @Option(names = "--guest-ram", paramLabel = "NAME",
            description = "idle/soft-dirty without ept: the /proc/PID/maps mapping holding guest RAM whose path contains "
                    + "NAME (default: the largest anonymous mapping).")
    private String guestRam;

    @Option(names = "--xwr", paramLabel = "LETTERS", description = "ept: access types to sample, letters of xwr (default rwx).")
    private String xwr;

    /** Whether any option names VMs or sources (else a --config file's vm lines are all). */
    boolean given() {
        return !sourceKinds.isEmpty() || !vmIds.isEmpty() || !traces.isEmpty() || !pids.isEmpty();
    }

    /** --rate, or null: each source kind's own default. */
    Double rate() {
        return rate;
    }

    /** The VM sources the command-line options describe. */
    List<VmSource> sources() {
        List<SourceKind> kinds = new ArrayList<>();
        for (String k : sourceKinds.isEmpty() ? List.of("synthetic") : sourceKinds) {
            SourceKind kind = SourceKind.parse(k);
            if (!kinds.contains(kind)) {
                kinds.add(kind);
            }
        }
        boolean synthetic = kinds.contains(SourceKind.SYNTHETIC);
        boolean trace = kinds.contains(SourceKind.TRACE);
        boolean live = kinds.stream().anyMatch(SourceKind::live);
        if ((synthetic ? 1 : 0) + (trace ? 1 : 0) + (live ? 1 : 0) > 1) {
            throw new IllegalArgumentException("--source " + String.join(",", sourceKinds) + ": combine only ept, idle and "
                    + "soft-dirty; run synthetic and trace VMs from separate lines of a --config file");
        }
        if (!traces.isEmpty() && !trace) {
            throw new IllegalArgumentException("--trace needs --source trace");
        }
        if (!pids.isEmpty() && !live) {
            throw new IllegalArgumentException("--pid needs --source ept, idle or soft-dirty");
        }
        if (!shapes.isEmpty() && !synthetic) {
            throw new IllegalArgumentException("--shape needs --source synthetic");
        }
        List<VmSource> out = new ArrayList<>();
        String origin = "command line";
        if (synthetic) {
            int n = Math.max(Math.max(vmIds.size(), shapes.size()), syntheticVms == null ? 1 : syntheticVms);
            if (syntheticVms != null && !vmIds.isEmpty() && syntheticVms != vmIds.size()) {
                throw new IllegalArgumentException("--vms " + syntheticVms + " but " + vmIds.size() + " --vm ids given");
            }
            for (int i = 0; i < n; i++) {
                Map<String, String> p = new HashMap<>();
                if (!shapes.isEmpty()) {
                    p.put("shape", shapes.get(shapes.size() == 1 ? 0 : i % shapes.size()));
                }
                p.put("seed", Long.toString((seed == null ? 1 : seed) + i));
                if (samples != null) {
                    p.put("samples", Long.toString(samples));
                }
                if (rate != null) {
                    p.put("rate", Double.toString(rate));
                }
                out.add(new VmSource(i < vmIds.size() ? vmIds.get(i) : "vm-" + (i + 1), SourceKind.SYNTHETIC, p, origin));
            }
        } else if (trace) {
            if (traces.isEmpty()) {
                throw new IllegalArgumentException("--source trace needs at least one --trace FILE");
            }
            requireAtMost(vmIds.size(), traces.size(), "--vm", "--trace");
            for (int i = 0; i < traces.size(); i++) {
                Map<String, String> p = new HashMap<>();
                p.put("file", traces.get(i).toString());
                if (format != null) {
                    p.put("format", format);
                }
                String id = i < vmIds.size() ? vmIds.get(i)
                        : TraceReplaySource.defaultVmId(traces.get(i));
                out.add(new VmSource(id, SourceKind.TRACE, p, origin));
            }
        } else {
            if (pids.isEmpty()) {
                throw new IllegalArgumentException("--source " + String.join(",", sourceKinds) + " needs at least one --pid");
            }
            requireAtMost(vmIds.size(), pids.size(), "--vm", "--pid");
            for (int i = 0; i < pids.size(); i++) {
                String id = i < vmIds.size() ? vmIds.get(i) : "pid-" + pids.get(i);
                for (SourceKind kind : kinds) {
                    Map<String, String> p = new HashMap<>();
                    p.put("pid", Integer.toString(pids.get(i)));
                    if (kind == SourceKind.EPT && xwr != null) {
                        p.put("xwr", xwr);
                    }
                    if (kind != SourceKind.EPT && guestRam != null) {
                        p.put("guest-ram", guestRam);
                    }
                    out.add(new VmSource(id, kind, p, origin));
                }
            }
        }
        return out;
    }

    private static void requireAtMost(int have, int max, String what, String per) {
        if (have > max) {
            throw new IllegalArgumentException(have + " " + what + " given for " + max + " " + per + ": one " + what + " per " + per);
        }
    }
}
