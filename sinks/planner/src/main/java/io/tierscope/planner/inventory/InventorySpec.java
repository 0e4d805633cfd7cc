package io.tierscope.planner.inventory;

import io.tierscope.avro.HostInventory;
import io.tierscope.avro.VmInventory;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * Parses and checks a host's inventory, from command-line values or from a properties file:
 * <pre>
 * host = host-17
 * fast.node = 0
 * slow.node = 1
 * fast.pages = 262144
 * budget.pages.per.sec = 25600
 * page.size = 4096                       # optional
 * vm.web-1 = pid=4242,memory=1048576,shares=2000,reservation=65536,limit=0
 * </pre>
 * Every problem is an {@link IllegalArgumentException} with a one-line message naming the field.
 */
public final class InventorySpec {
    public static final String HOST = "host";
    public static final String FAST_NODE = "fast.node";
    public static final String SLOW_NODE = "slow.node";
    public static final String FAST_PAGES = "fast.pages";
    public static final String BUDGET = "budget.pages.per.sec";
    public static final String PAGE_SIZE = "page.size";
    public static final String VM_PREFIX = "vm.";
    private static final Set<String> VM_KEYS = Set.of("pid", "memory", "shares", "reservation", "limit");

    private InventorySpec() {
    }

    /** Reads the file format above. */
    public static HostInventory fromFile(Path file, long timeMs) throws IOException {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException("cannot read inventory file " + file);
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        Map<String, String> values = new TreeMap<>();
        p.forEach((k, v) -> values.put(k.toString().trim(), v.toString().trim()));
        Map<String, String> vms = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            String key = e.getKey();
            if (key.startsWith(VM_PREFIX)) {
                vms.put(key.substring(VM_PREFIX.length()), e.getValue());
            } else if (!Set.of(HOST, FAST_NODE, SLOW_NODE, FAST_PAGES, BUDGET, PAGE_SIZE).contains(key)) {
                throw new IllegalArgumentException(file + ": unknown key \"" + key + "\"");
            }
        }
        List<VmInventory> vmList = new ArrayList<>();
        vms.forEach((id, spec) -> vmList.add(vm(id, spec)));
        return build(required(values, HOST, file), intValue(required(values, FAST_NODE, file), FAST_NODE),
                intValue(required(values, SLOW_NODE, file), SLOW_NODE),
                longValue(required(values, FAST_PAGES, file), FAST_PAGES),
                longValue(required(values, BUDGET, file), BUDGET),
                values.containsKey(PAGE_SIZE) ? intValue(values.get(PAGE_SIZE), PAGE_SIZE) : 4096, vmList, timeMs);
    }

    /** One VM from its command-line form "ID:pid=..,memory=..,shares=..,reservation=..,limit=..". */
    public static VmInventory vmArgument(String argument) {
        int colon = argument.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--vm \"" + argument + "\" must look like ID:memory=PAGES[,pid=..,shares=..,reservation=..,limit=..]");
        }
        return vm(argument.substring(0, colon), argument.substring(colon + 1));
    }

    /** One VM from "memory=..,pid=..,shares=..,reservation=..,limit=.." (memory required). */
    public static VmInventory vm(String vmId, String spec) {
        String id = vmId.trim();
        if (id.isEmpty()) {
            throw new IllegalArgumentException("a VM id is empty");
        }
        Map<String, Long> v = new TreeMap<>();
        for (String part : spec.split(",")) {
            String item = part.trim();
            if (item.isEmpty()) {
                continue;
            }
            int eq = item.indexOf('=');
            String key = eq < 0 ? item : item.substring(0, eq).trim();
            if (eq < 0 || !VM_KEYS.contains(key)) {
                throw new IllegalArgumentException("VM " + id + ": \"" + item
                        + "\" is not KEY=NUMBER with KEY one of memory, pid, shares, reservation, limit");
            }
            if (v.put(key, longValue(item.substring(eq + 1).trim(), "VM " + id + " " + key)) != null) {
                throw new IllegalArgumentException("VM " + id + ": " + key + " given twice");
            }
        }
        if (!v.containsKey("memory")) {
            throw new IllegalArgumentException("VM " + id + ": memory=PAGES is required");
        }
        long shares = v.getOrDefault("shares", 1000L);
        if (shares < 1 || shares > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("VM " + id + ": shares must be 1 to " + Integer.MAX_VALUE + ", got " + shares);
        }
        return VmInventory.newBuilder().setVmId(id).setPid(v.getOrDefault("pid", 0L)).setMemoryPages(v.get("memory"))
                .setShares((int) shares).setReservationPages(v.getOrDefault("reservation", 0L))
                .setLimitPages(v.getOrDefault("limit", 0L)).build();
    }

    /** Builds and checks a whole inventory. */
    public static HostInventory build(String host, int fastNode, int slowNode, long fastPages, long budgetPagesPerSec,
                                      int pageSizeBytes, List<VmInventory> vms, long timeMs) {
        HostInventory inventory = HostInventory.newBuilder().setHost(host == null ? "" : host.trim()).setTimeMs(timeMs)
                .setPageSizeBytes(pageSizeBytes).setFastNode(fastNode).setSlowNode(slowNode)
                .setFastCapacityPages(fastPages).setMigrationBudgetPagesPerSec(budgetPagesPerSec)
                .setVms(new ArrayList<>(vms)).build();
        check(inventory);
        return inventory;
    }

    /**
     * Checks what the planner relies on: nodes fit the placement records' signed byte and differ, page
     * counts are positive, reservations fit under limits, memory and, together, the fast tier.
     */
    public static void check(HostInventory inv) {
        String host = inv.getHost();
        if (host.isEmpty()) {
            throw new IllegalArgumentException("host is empty");
        }
        node(inv.getFastNode(), "fast node");
        node(inv.getSlowNode(), "slow node");
        if (inv.getFastNode() == inv.getSlowNode()) {
            throw new IllegalArgumentException("host " + host + ": fast and slow node are both " + inv.getFastNode());
        }
        if (inv.getFastCapacityPages() < 1) {
            throw new IllegalArgumentException("host " + host + ": fast pages must be >= 1, got " + inv.getFastCapacityPages());
        }
        if (inv.getMigrationBudgetPagesPerSec() < 0) {
            throw new IllegalArgumentException("host " + host + ": migration budget must be >= 0 pages/s, got "
                    + inv.getMigrationBudgetPagesPerSec());
        }
        int pageSize = inv.getPageSizeBytes();
        if (pageSize < 512 || Integer.bitCount(pageSize) != 1) {
            throw new IllegalArgumentException("host " + host + ": page size must be a power of two >= 512, got " + pageSize);
        }
        Set<String> ids = new HashSet<>();
        long reserved = 0;
        for (VmInventory vm : inv.getVms()) {
            String id = vm.getVmId();
            if (!ids.add(id)) {
                throw new IllegalArgumentException("host " + host + ": VM " + id + " listed twice");
            }
            if (vm.getMemoryPages() < 1) {
                throw new IllegalArgumentException("VM " + id + ": memory must be >= 1 page, got " + vm.getMemoryPages());
            }
            if (vm.getPid() < 0 || vm.getReservationPages() < 0 || vm.getLimitPages() < 0) {
                throw new IllegalArgumentException("VM " + id + ": pid, reservation and limit must be >= 0");
            }
            long limit = vm.getLimitPages() == 0 ? vm.getMemoryPages() : vm.getLimitPages();
            if (limit > vm.getMemoryPages()) {
                throw new IllegalArgumentException("VM " + id + ": limit " + limit + " exceeds its memory " + vm.getMemoryPages());
            }
            if (vm.getReservationPages() > limit) {
                throw new IllegalArgumentException("VM " + id + ": reservation " + vm.getReservationPages()
                        + " exceeds its limit " + limit);
            }
            reserved += vm.getReservationPages();
        }
        if (reserved > inv.getFastCapacityPages()) {
            throw new IllegalArgumentException("host " + host + ": reservations add up to " + reserved
                    + " pages, more than the " + inv.getFastCapacityPages() + " fast pages");
        }
    }

    private static void node(int node, String what) {
        if (node < 0 || node > Byte.MAX_VALUE) {
            throw new IllegalArgumentException(what + " must be 0 to " + Byte.MAX_VALUE + ", got " + node);
        }
    }

    private static String required(Map<String, String> values, String key, Path file) {
        String v = values.get(key);
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException(file + ": " + key + " is missing");
        }
        return v;
    }

    private static long longValue(String text, String what) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a whole number, got \"" + text + "\"");
        }
    }

    private static int intValue(String text, String what) {
        long v = longValue(text, what);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(what + " is out of range: " + text);
        }
        return (int) v;
    }
}
