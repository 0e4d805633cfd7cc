package io.tierscope.collector.source;

import io.tierscope.workload.synthetic.AccessMixWorkload;
import io.tierscope.workload.synthetic.LoopWorkload;
import io.tierscope.workload.synthetic.MixtureWorkload;
import io.tierscope.workload.synthetic.PhaseShiftWorkload;
import io.tierscope.workload.synthetic.ScanWorkload;
import io.tierscope.workload.synthetic.SyntheticWorkload;
import io.tierscope.workload.synthetic.UniformWorkload;
import io.tierscope.workload.synthetic.ZipfWorkload;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The access pattern of one synthetic VM, written as {@code kind[:key=value,...]} on the command
 * line and in config files, over guest pages {@code [0, pages)}:
 * <ul>
 *   <li>{@code zipf} - Zipf popularity, exponent {@code s} (default 1.0)</li>
 *   <li>{@code uniform} - every page equally likely</li>
 *   <li>{@code scan} - one sequential pass after another</li>
 *   <li>{@code loop} - a cyclic loop (LRU's worst case)</li>
 *   <li>{@code phases} - {@code count} (default 4) disjoint uniform working sets of
 *       {@code pages / count} pages, {@code perphase} accesses each (default 10 x working set)</li>
 *   <li>{@code mixed} - 80 % Zipf over the first half of the pages, 20 % scans over the second</li>
 * </ul>
 * Every kind takes {@code pages} (default 262144 = 1 GiB of 4 KiB pages), {@code writes} (the
 * fraction of writes, default 0.3) and {@code exec} (instruction fetches, default 0). Example:
 * {@code zipf:pages=1000000,s=0.9,writes=0.1}. The generators are the workloads module's.
 */
public final class SyntheticShape {
    public static final long DEFAULT_PAGES = 262_144;
    private static final List<String> KINDS = List.of("zipf", "uniform", "scan", "loop", "phases", "mixed");
    private static final Set<String> COMMON_KEYS = Set.of("pages", "writes", "exec");
    private static final Map<String, Set<String>> EXTRA_KEYS = Map.of(
            "zipf", Set.of("s"), "phases", Set.of("count", "perphase"));

    private final String kind;
    private final Map<String, String> params;
    private final long pages;
    private final double writes;
    private final double exec;

    private SyntheticShape(String kind, Map<String, String> params) {
        this.kind = kind;
        this.params = params;
        this.pages = longParam("pages", DEFAULT_PAGES);
        this.writes = doubleParam("writes", 0.3);
        this.exec = doubleParam("exec", 0.0);
        if (pages <= 0 || (kind.equals("zipf") || kind.equals("mixed")) && pages > Integer.MAX_VALUE) {
            throw bad("pages must be in [1, " + (kind.equals("zipf") || kind.equals("mixed") ? Integer.MAX_VALUE
                    : Long.MAX_VALUE) + "], got " + pages);
        }
        if (!(writes >= 0 && exec >= 0 && writes + exec <= 1)) {
            throw bad("writes and exec must be >= 0 and sum to <= 1");
        }
        if (kind.equals("phases") && (longParam("count", 4) <= 0 || pages / longParam("count", 4) <= 0)) {
            throw bad("phases needs 1 <= count <= pages");
        }
        if (kind.equals("mixed") && pages < 2) {
            throw bad("mixed needs at least 2 pages");
        }
    }

    /** Parses {@code kind[:key=value,...]}; the message of a failure names the bad part. */
    public static SyntheticShape parse(String spec) {
        String s = spec.strip();
        int colon = s.indexOf(':');
        String kind = (colon < 0 ? s : s.substring(0, colon)).toLowerCase(Locale.ROOT);
        if (!KINDS.contains(kind)) {
            throw new IllegalArgumentException("unknown synthetic shape '" + kind + "' in '" + spec + "' (expected one of "
                    + String.join(", ", KINDS) + ")");
        }
        Map<String, String> params = new LinkedHashMap<>();
        if (colon >= 0 && colon < s.length() - 1) {
            for (String kv : s.substring(colon + 1).split(",")) {
                int eq = kv.indexOf('=');
                if (eq <= 0 || eq == kv.length() - 1) {
                    throw new IllegalArgumentException("bad parameter '" + kv + "' in shape '" + spec + "': expected key=value");
                }
                String key = kv.substring(0, eq).strip().toLowerCase(Locale.ROOT);
                if (!COMMON_KEYS.contains(key) && !EXTRA_KEYS.getOrDefault(kind, Set.of()).contains(key)) {
                    throw new IllegalArgumentException("shape " + kind + " has no parameter '" + key + "' (in '" + spec + "')");
                }
                params.put(key, kv.substring(eq + 1).strip());
            }
        }
        return new SyntheticShape(kind, Map.copyOf(params));
    }

    public String kind() {
        return kind;
    }

    /** The VM's page span: every access falls in {@code [0, pages)}. */
    public long pages() {
        return pages;
    }

    /** A fresh generator of this shape; equal seeds give equal access streams. */
    public SyntheticWorkload build(long seed) {
        SyntheticWorkload w = switch (kind) {
            case "zipf" -> new ZipfWorkload(seed, 0, (int) pages, doubleParam("s", 1.0));
            case "uniform" -> new UniformWorkload(seed, 0, pages);
            case "scan" -> new ScanWorkload(0, pages);
            case "loop" -> new LoopWorkload(0, pages);
            case "phases" -> {
                int count = (int) longParam("count", 4);
                long ws = pages / count;
                yield PhaseShiftWorkload.disjointWorkingSets(seed, 0, count, ws, longParam("perphase", 10 * ws));
            }
            case "mixed" -> {
                int hot = (int) (pages / 2);
                yield new MixtureWorkload(seed, List.of(new ZipfWorkload(seed + 1, 0, hot, 1.0),
                        new ScanWorkload(hot, pages - hot)), new double[] {0.8, 0.2});
            }
            default -> throw new IllegalStateException("unhandled shape " + kind);
        };
        return writes == 0 && exec == 0 ? w : new AccessMixWorkload(seed ^ 0x5DEECE66DL, w, writes, exec);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(kind);
        char sep = ':';
        for (Map.Entry<String, String> e : new java.util.TreeMap<>(params).entrySet()) {
            s.append(sep).append(e.getKey()).append('=').append(e.getValue());
            sep = ',';
        }
        return s.toString();
    }

    private long longParam(String key, long dflt) {
        String v = params.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            return Long.parseLong(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw bad(key + " must be an integer, got '" + v + "'");
        }
    }

    private double doubleParam(String key, double dflt) {
        String v = params.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw bad(key + " must be a number, got '" + v + "'");
        }
    }

    private IllegalArgumentException bad(String problem) {
        return new IllegalArgumentException("synthetic shape " + kind + params + ": " + problem);
    }
}
