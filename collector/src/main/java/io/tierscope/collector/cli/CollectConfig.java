package io.tierscope.collector.cli;

import io.tierscope.collector.CollectConfigTable;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code collect --config FILE} format: one host's collector, many VMs. Line based, UTF-8:
 * <pre>
 * # comments and blank lines are ignored
 * # collector settings ({@link CollectConfigTable}): long options without "--" (the command line wins)
 * bootstrap-servers = kafka-1:9092,kafka-2:9092
 * buffer-mb = 256
 *
 * # one line per VM and source: vm ID SOURCE key=value ...
 * vm web-1  synthetic  shape=zipf:pages=262144,s=0.9 rate=50000 seed=7
 * vm db-1   trace      file=/traces/db.csv.gz format=csv rate=200000
 * vm prod-7 ept        pid=4242 rate=1000 xwr=rw
 * vm prod-7 idle       pid=4242 period=1000
 * vm prod-7 soft-dirty pid=4242 period=1000
 * </pre>
 * Per-VM keys: synthetic {@code shape rate seed samples scan-period}; trace {@code file format
 * rate}; ept {@code pid rate xwr device}; idle and soft-dirty {@code pid period guest-ram
 * chunk-pages}. A VM has at most one sample source (synthetic, trace or ept); idle and
 * soft-dirty of one VM are read together. Every error names the file and line.
 */
public final class CollectConfig {
    private final Map<String, String> settings;
    private final List<VmSource> vms;

    private CollectConfig(Map<String, String> settings, List<VmSource> vms) {
        this.settings = settings;
        this.vms = vms;
    }

    /** Collector settings by option name (without "--"). */
    public Map<String, String> settings() {
        return settings;
    }

    public List<VmSource> vms() {
        return vms;
    }

    public static CollectConfig read(Path file) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(r, file.toString());
        }
    }

    public static CollectConfig parse(BufferedReader reader, String source) throws IOException {
        Map<String, String> settings = new LinkedHashMap<>();
        List<VmSource> vms = new ArrayList<>();
        String line;
        int no = 0;
        while ((line = reader.readLine()) != null) {
            no++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#")) {
                continue;
            }
            String where = source + ":" + no;
            String[] words = t.split("\\s+");
            if (words[0].equals("vm")) {
                vms.add(vmLine(words, where, line));
            } else {
                int eq = t.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException(where + ": expected 'setting = value' or 'vm ID SOURCE key=value...', got '"
                            + line + "'");
                }
                String key = t.substring(0, eq).strip();
                String value = t.substring(eq + 1).strip();
                try {
                    CollectConfigTable.requireKnown(key);
                    CollectConfigTable.parse(key, value);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
                }
                if (settings.put(key, value) != null) {
                    throw new IllegalArgumentException(where + ": setting '" + key + "' given twice");
                }
            }
        }
        checkOneSampleSourcePerVm(vms);
        return new CollectConfig(Map.copyOf(settings), List.copyOf(vms));
    }

    private static VmSource vmLine(String[] words, String where, String line) {
        if (words.length < 3) {
            throw new IllegalArgumentException(where + ": expected 'vm ID SOURCE key=value...', got '" + line.strip() + "'");
        }
        SourceKind kind;
        try {
            kind = SourceKind.parse(words[2]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage());
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 3; i < words.length; i++) {
            int eq = words[i].indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(where + ": expected key=value, got '" + words[i] + "'");
            }
            String key = words[i].substring(0, eq);
            if (!kind.keys().contains(key)) {
                throw new IllegalArgumentException(where + ": source " + kind + " has no key '" + key + "' (known: "
                        + String.join(", ", kind.keys().stream().sorted().toList()) + ")");
            }
            params.put(key, words[i].substring(eq + 1));
        }
        return new VmSource(words[1], kind, params, where);
    }

    /** batchSeq is per (host, VM): two sample sources of one VM would interleave two sequences. */
    static void checkOneSampleSourcePerVm(List<VmSource> vms) {
        Map<String, VmSource> seen = new LinkedHashMap<>();
        Map<String, Set<SourceKind>> scans = new LinkedHashMap<>();
        for (VmSource v : vms) {
            if (v.kind().samples()) {
                VmSource before = seen.putIfAbsent(v.vmId(), v);
                if (before != null) {
                    throw new IllegalArgumentException(v.origin() + ": VM " + v.vmId() + " already has a sample source ("
                            + before.kind() + " at " + before.origin() + ")");
                }
            } else if (!scans.computeIfAbsent(v.vmId(), k -> new java.util.HashSet<>()).add(v.kind())) {
                throw new IllegalArgumentException(v.origin() + ": VM " + v.vmId() + " has " + v.kind() + " twice");
            }
        }
    }
}
