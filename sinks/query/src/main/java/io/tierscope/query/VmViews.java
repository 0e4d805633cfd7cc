package io.tierscope.query;

import io.tierscope.analytics.heat.ChunkHeat;
import io.tierscope.analytics.heat.HeatBit;
import io.tierscope.analytics.heat.HeatOrder;
import io.tierscope.analytics.heat.HeatTable;
import io.tierscope.avro.HeatSummary;
import io.tierscope.avro.IngestStats;
import io.tierscope.avro.MissRatioCurve;
import io.tierscope.avro.MrcPoint;
import io.tierscope.avro.PageHeatChunk;
import io.tierscope.streams.heat.ChunkKeys;
import io.tierscope.streams.heat.query.PageHeatReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.KeyValue;

/**
 * What the API answers about one VM, computed on the instance that owns the VM's partition from
 * its local stores (the request was routed there). Every method returns plain maps and lists.
 */
public final class VmViews {
    private final LocalStores stores;

    public VmViews(LocalStores stores) {
        this.stores = stores;
    }

    /** The VM's newest figures; 404 when no store knows the VM. */
    public Map<String, Object> overview(String vm, int partition) {
        MissRatioCurve curve = stores.<MissRatioCurve>get(QueryTopology.MRC_LATEST, vm, partition).orElse(null);
        HeatSummary heat = stores.<HeatSummary>get(QueryTopology.HEAT_SUMMARY, vm, partition).orElse(null);
        IngestStats ingest = stores.<IngestStats>get(QueryTopology.INGEST, vm, partition).orElse(null);
        if (curve == null && heat == null && ingest == null) {
            throw ApiException.notFound("no VM '" + vm + "' (no curve, heat summary or ingest stats)");
        }
        return overview(vm, curve, heat, ingest);
    }

    /** Every VM of this instance's active partitions, with its newest figures. */
    public List<Map<String, Object>> localOverviews() {
        Map<String, MissRatioCurve> curves = asMap(stores.all(QueryTopology.MRC_LATEST));
        Map<String, HeatSummary> heats = asMap(stores.all(QueryTopology.HEAT_SUMMARY));
        Map<String, IngestStats> ingests = asMap(stores.all(QueryTopology.INGEST));
        TreeMap<String, Boolean> vms = new TreeMap<>();
        curves.keySet().forEach(vm -> vms.put(vm, true));
        heats.keySet().forEach(vm -> vms.put(vm, true));
        ingests.keySet().forEach(vm -> vms.put(vm, true));
        List<Map<String, Object>> out = new ArrayList<>();
        for (String vm : vms.keySet()) {
            out.add(overview(vm, curves.get(vm), heats.get(vm), ingests.get(vm)));
        }
        return out;
    }

    /**
     * One VM's headline figures. {@code gainMissesPerSecond}: misses per second avoided if the VM
     * had its whole working set in memory instead of half of it, from its curve and sample rate;
     * the VMs that would gain most from more memory rank first by it.
     */
    public static Map<String, Object> overview(String vm, MissRatioCurve curve, HeatSummary heat, IngestStats ingest) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("vmId", vm);
        long updated = 0;
        double samplesPerSecond = 0;
        if (ingest != null) {
            long ms = Math.max(1, ingest.getWindowEndMs() - ingest.getWindowStartMs());
            samplesPerSecond = ingest.getSamples() * 1000.0 / ms;
            updated = Math.max(updated, ingest.getWindowEndMs());
        }
        o.put("samplesPerSecond", round(samplesPerSecond));
        if (curve != null) {
            long ws = curve.getWorkingSetPages();
            o.put("workingSetPages", ws);
            o.put("workingSetBytes", ws * curve.getPageSizeBytes());
            o.put("pageSizeBytes", curve.getPageSizeBytes());
            o.put("references", curve.getReferences());
            o.put("coldMissRatio", curve.getReferences() == 0 ? 0.0 : round((double) curve.getColdMisses() / curve.getReferences()));
            double gain = samplesPerSecond * Math.max(0, missRatioAt(curve, ws / 2.0) - missRatioAt(curve, ws));
            o.put("gainMissesPerSecond", round(gain));
            updated = Math.max(updated, curve.getWindowEndMs());
        } else {
            o.put("workingSetPages", null);
            o.put("gainMissesPerSecond", 0.0);
        }
        if (heat != null) {
            o.put("hotPages", heat.getHotPages());
            o.put("coldPages", heat.getColdPages());
            o.put("touchedPages", heat.getTouchedPages());
            o.put("writtenPages", heat.getWrittenPages());
            o.put("writeFraction", heat.getTouchedPages() == 0 ? 0.0
                    : round((double) heat.getWrittenPages() / heat.getTouchedPages()));
            updated = Math.max(updated, heat.getWindowEndMs());
        } else {
            o.put("hotPages", null);
            o.put("coldPages", null);
        }
        o.put("updatedMs", updated);
        return o;
    }

    /** Orders VM overviews by {@code sort} (vm ascending, figures descending) and keeps the first {@code limit}. */
    public static List<Map<String, Object>> sortFleet(List<Map<String, Object>> all, String sort, int limit) {
        Comparator<Map<String, Object>> order = switch (sort) {
            case "vm" -> Comparator.comparing(m -> (String) m.get("vmId"));
            case "working-set" -> byNumber("workingSetPages");
            case "gain" -> byNumber("gainMissesPerSecond");
            case "ingest" -> byNumber("samplesPerSecond");
            case "hot" -> byNumber("hotPages");
            default -> throw ApiException.badRequest("sort must be vm, working-set, gain, ingest or hot, got '" + sort + "'");
        };
        if (limit < 1) {
            throw ApiException.badRequest("limit must be >= 1, got " + limit);
        }
        List<Map<String, Object>> sorted = new ArrayList<>(all);
        sorted.sort(order);
        return sorted.size() > limit ? new ArrayList<>(sorted.subList(0, limit)) : sorted;
    }

    private static Comparator<Map<String, Object>> byNumber(String field) {
        return Comparator.comparingDouble((Map<String, Object> m) -> m.get(field) instanceof Number n ? n.doubleValue() : -1)
                .reversed().thenComparing(m -> (String) m.get("vmId"));
    }

    /** The newest long-horizon curve. */
    public Map<String, Object> latestCurve(String vm, int partition) {
        MissRatioCurve curve = stores.<MissRatioCurve>get(QueryTopology.MRC_LATEST, vm, partition)
                .orElseThrow(() -> ApiException.notFound("no miss-ratio curve for VM '" + vm + "'"));
        return Json.of(curve);
    }

    /** Per-window curves with window start in [from, to], oldest first. */
    public List<Map<String, Object>> curveHistory(String vm, Instant from, Instant to, int partition) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (KeyValue<Long, MissRatioCurve> kv : stores.<MissRatioCurve>window(QueryTopology.MRC_HISTORY, vm, from, to, partition)) {
            out.add(Json.of(kv.value));
        }
        return out;
    }

    /** The working-set estimate of each window in [from, to], oldest first. */
    public List<Map<String, Object>> workingSet(String vm, Instant from, Instant to, int partition) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (KeyValue<Long, MissRatioCurve> kv : stores.<MissRatioCurve>window(QueryTopology.MRC_HISTORY, vm, from, to, partition)) {
            MissRatioCurve c = kv.value;
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("windowStartMs", c.getWindowStartMs());
            p.put("windowEndMs", c.getWindowEndMs());
            p.put("workingSetPages", c.getWorkingSetPages());
            p.put("workingSetBytes", c.getWorkingSetPages() * c.getPageSizeBytes());
            p.put("references", c.getReferences());
            out.add(p);
        }
        return out;
    }

    /** The newest heat summary and the current pages per heat state over all chunks. */
    public Map<String, Object> heat(String vm, int partition) {
        List<ChunkHeat> chunks = chunks(vm, partition);
        HeatSummary summary = stores.<HeatSummary>get(QueryTopology.HEAT_SUMMARY, vm, partition).orElse(null);
        if (chunks.isEmpty() && summary == null) {
            throw ApiException.notFound("no page heat for VM '" + vm + "'");
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("vmId", vm);
        o.put("summary", summary == null ? null : Json.of(summary));
        Map<String, Object> current = new LinkedHashMap<>();
        if (!chunks.isEmpty()) {
            HeatTable table = chunks.get(0).table();
            long[] perState = new long[table.stateCount()];
            long pages = 0;
            long hot = 0;
            long cold = 0;
            for (ChunkHeat c : chunks) {
                int[] counts = c.stateCounts(HeatBit.ACCESSED);
                for (int s = 0; s < counts.length && s < perState.length; s++) {
                    perState[s] += counts[s];
                }
                pages += c.pageCount();
                hot += c.hotPages(HeatBit.ACCESSED);
                cold += c.coldPages(HeatBit.ACCESSED);
            }
            current.put("classifier", table.name());
            current.put("stateNames", stateNames(table));
            current.put("pagesPerState", perState);
            current.put("pages", pages);
            current.put("hotPages", hot);
            current.put("coldPages", cold);
            current.put("chunks", chunks.size());
        }
        o.put("current", current);
        return o;
    }

    /**
     * A page of the VM's pages: {@code order} coldest or hottest (whole VM, by heat rank, ties by
     * gfn) or gfn (address order, {@code set} hot, cold or all).
     */
    public Map<String, Object> pages(String vm, String order, String set, HeatBit bit, int offset, int limit, int partition) {
        return pages(vm, chunks(vm, partition), order, set, bit, offset, limit);
    }

    /** {@link #pages(String, String, String, HeatBit, int, int, int)} over chunks read elsewhere (e.g. from the topic). */
    public static Map<String, Object> pages(String vm, List<ChunkHeat> chunks, String order, String set, HeatBit bit,
                                            int offset, int limit) {
        if (offset < 0 || limit < 1 || limit > 100_000) {
            throw ApiException.badRequest("offset must be >= 0 and limit 1..100000");
        }
        if (chunks.isEmpty()) {
            throw ApiException.notFound("no page heat for VM '" + vm + "'");
        }
        HeatTable table = chunks.get(0).table();
        long total = 0;
        List<Map<String, Object>> rows = new ArrayList<>();
        switch (order) {
            case "coldest", "hottest" -> {
                if (!"all".equals(set)) {
                    throw ApiException.badRequest("set=" + set + " goes with order=gfn; coldest and hottest orders cover all pages");
                }
                for (ChunkHeat c : chunks) {
                    total += c.pageCount();
                }
                long want = Math.min((long) offset + limit, total);
                long[] gfns = "coldest".equals(order) ? HeatOrder.coldestFirst(chunks, bit, (int) Math.min(want, Integer.MAX_VALUE))
                        : HeatOrder.hottestFirst(chunks, bit, (int) Math.min(want, Integer.MAX_VALUE));
                for (int i = offset; i < gfns.length; i++) {
                    rows.add(page(gfns[i], stateOf(chunks, gfns[i], bit), table));
                }
            }
            case "gfn" -> {
                for (ChunkHeat c : chunks) {
                    for (int p = 0; p < c.pageCount(); p++) {
                        int state = c.state(bit, p);
                        if (inSet(table, state, set)) {
                            if (total >= offset && rows.size() < limit) {
                                rows.add(page(c.baseGfn() + p, state, table));
                            }
                            total++;
                        }
                    }
                }
            }
            default -> throw ApiException.badRequest("order must be coldest, hottest or gfn, got '" + order + "'");
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("vmId", vm);
        o.put("order", order);
        o.put("set", set);
        o.put("bit", bit.name().toLowerCase());
        o.put("total", total);
        o.put("offset", offset);
        o.put("limit", limit);
        o.put("pages", rows);
        return o;
    }

    /**
     * The damo-style heat map: access intensity (0 coldest .. 1 hottest) over time (columns) and
     * guest-physical address (rows, lowest gfn first). A chunk keeps its last published profile
     * until its next one; cells before a chunk's first profile are null.
     */
    public Map<String, Object> heatmap(String vm, Instant from, Instant to, int rows, int cols, int partition) {
        if (rows < 1 || rows > 1024 || cols < 1 || cols > 1024) {
            throw ApiException.badRequest("rows and cols must be 1..1024");
        }
        List<KeyValue<Long, byte[]>> entries = stores.window(QueryTopology.HEAT_TIMELINE, vm, Instant.EPOCH, to, partition);
        if (entries.isEmpty()) {
            throw ApiException.notFound("no page heat history for VM '" + vm + "'");
        }
        entries.sort(Comparator.comparingLong(kv -> kv.key));
        long gfnStart = Long.MAX_VALUE;
        long gfnEnd = Long.MIN_VALUE;
        List<HeatProfile> profiles = new ArrayList<>(entries.size());
        for (KeyValue<Long, byte[]> kv : entries) {
            HeatProfile p = HeatProfile.decode(kv.value);
            profiles.add(p);
            gfnStart = Math.min(gfnStart, p.baseGfn());
            gfnEnd = Math.max(gfnEnd, p.baseGfn() + p.pageCount());
        }
        long first = Math.max(from.toEpochMilli(), entries.get(0).key);
        long last = Math.max(first + 1, Math.min(to.toEpochMilli(), entries.get(entries.size() - 1).key));
        double span = gfnEnd - gfnStart;
        Double[][] cells = new Double[cols][rows];
        Map<Long, HeatProfile> latestPerChunk = new TreeMap<>();
        List<Long> times = new ArrayList<>(cols);
        int next = 0;
        for (int c = 0; c < cols; c++) {
            long t = cols == 1 ? last : first + (last - first) * c / (cols - 1);
            times.add(t);
            while (next < entries.size() && entries.get(next).key <= t) {
                latestPerChunk.put(profiles.get(next).baseGfn(), profiles.get(next));
                next++;
            }
            double[] sum = new double[rows];
            int[] n = new int[rows];
            for (HeatProfile p : latestPerChunk.values()) {
                for (int b = 0; b < p.bucketCount(); b++) {
                    int row = (int) Math.min(rows - 1, (p.bucketStartGfn(b) - gfnStart) * rows / span);
                    sum[row] += p.intensity(b);
                    n[row]++;
                }
            }
            for (int r = 0; r < rows; r++) {
                cells[c][r] = n[r] == 0 ? null : round(sum[r] / n[r]);
            }
        }
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("vmId", vm);
        o.put("gfnStart", gfnStart);
        o.put("gfnEnd", gfnEnd);
        o.put("rows", rows);
        o.put("times", times);
        o.put("cells", cells);
        return o;
    }

    private List<ChunkHeat> chunks(String vm, int partition) {
        String prefix = ChunkKeys.storePrefix(vm);
        List<ChunkHeat> out = new ArrayList<>();
        // Store keys are "<len>:<vm>#<012d index>": the range [prefix, prefix + '~'] is exactly this VM's chunks.
        for (KeyValue<String, PageHeatChunk> kv : stores.<PageHeatChunk>range(QueryTopology.HEAT_CHUNKS, prefix, prefix + '~', partition)) {
            out.add(PageHeatReader.toChunkHeat(kv.value));
        }
        return out;
    }

    private static boolean inSet(HeatTable table, int state, String set) {
        return switch (set) {
            case "hot" -> table.isHot(state);
            case "cold" -> table.isCold(state);
            case "all" -> true;
            default -> throw ApiException.badRequest("set must be hot, cold or all, got '" + set + "'");
        };
    }

    private static int stateOf(List<ChunkHeat> chunks, long gfn, HeatBit bit) {
        for (ChunkHeat c : chunks) {
            if (gfn >= c.baseGfn() && gfn < c.baseGfn() + c.pageCount()) {
                return c.state(bit, (int) (gfn - c.baseGfn()));
            }
        }
        throw new IllegalStateException("gfn " + gfn + " is in no chunk");
    }

    private static Map<String, Object> page(long gfn, int state, HeatTable table) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("gfn", gfn);
        p.put("state", state);
        p.put("stateName", stateNames(table).get(state));
        p.put("class", table.isHot(state) ? "hot" : table.isCold(state) ? "cold" : "warming");
        return p;
    }

    /** fsm5 names from US 9,063,866; other classifiers: their state codes. */
    static List<String> stateNames(HeatTable table) {
        if (table.name().startsWith("fsm5")) {
            return List.of("frigid", "frigid-test", "warm-test", "warm", "sizzle");
        }
        List<String> names = new ArrayList<>();
        for (int s = 0; s < table.stateCount(); s++) {
            names.add("s" + s);
        }
        return names;
    }

    /** Miss ratio at {@code pages}, linear between the curve's points (flat beyond its ends). */
    static double missRatioAt(MissRatioCurve curve, double pages) {
        List<MrcPoint> points = curve.getPoints();
        if (points.isEmpty()) {
            return 0;
        }
        MrcPoint prev = points.get(0);
        if (pages <= prev.getSizePages()) {
            return prev.getMissRatio();
        }
        for (MrcPoint p : points) {
            if (p.getSizePages() >= pages) {
                double f = (pages - prev.getSizePages()) / Math.max(1, p.getSizePages() - prev.getSizePages());
                return prev.getMissRatio() + f * (p.getMissRatio() - prev.getMissRatio());
            }
            prev = p;
        }
        return prev.getMissRatio();
    }

    private static <V> Map<String, V> asMap(List<KeyValue<String, V>> entries) {
        Map<String, V> m = new LinkedHashMap<>();
        for (KeyValue<String, V> kv : entries) {
            m.put(kv.key, kv.value);
        }
        return m;
    }

    static double round(double v) {
        return Math.round(v * 1e4) / 1e4;
    }
}
