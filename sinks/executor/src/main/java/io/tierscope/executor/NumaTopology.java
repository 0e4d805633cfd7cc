package io.tierscope.executor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The NUMA nodes of this host that have memory, read (never written) from sysfs: the node list
 * {@code has_memory} (the kernel's N_MEMORY state, which move_pages(2) requires of a target node),
 * else {@code online}, else the {@code nodeN} directories. The root is injectable so tests use a
 * tree laid out like /sys/devices/system/node.
 */
public record NumaTopology(List<Integer> memoryNodes) {
    public static final Path DEFAULT_ROOT = Path.of("/sys/devices/system/node");

    public NumaTopology {
        memoryNodes = List.copyOf(new TreeSet<>(memoryNodes));
    }

    public static NumaTopology read(Path root) throws IOException {
        for (String list : new String[] {"has_memory", "online"}) {
            Path file = root.resolve(list);
            if (Files.isRegularFile(file)) {
                return new NumaTopology(parseList(Files.readString(file, StandardCharsets.US_ASCII), file.toString()));
            }
        }
        List<Integer> nodes = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, "node[0-9]*")) {
            for (Path d : dirs) {
                nodes.add(Integer.parseInt(d.getFileName().toString().substring(4)));
            }
        } catch (NoSuchFileException e) {
            throw new IOException(root + " does not exist: this kernel has no NUMA support (CONFIG_NUMA), or sysfs is"
                    + " not mounted", e);
        } catch (NumberFormatException e) {
            throw new IOException(root + " has a node directory with a non-numeric name", e);
        }
        if (nodes.isEmpty()) {
            throw new IOException(root + " lists no NUMA node (no has_memory, online or nodeN entries)");
        }
        return new NumaTopology(nodes);
    }

    /** Parses a kernel node list ("0", "0-1,3", "" for none), as in Documentation/admin-guide/cputopology.rst. */
    static List<Integer> parseList(String text, String source) throws IOException {
        List<Integer> nodes = new ArrayList<>();
        String t = text.strip();
        if (t.isEmpty()) {
            return nodes;
        }
        for (String part : t.split(",")) {
            try {
                int dash = part.indexOf('-');
                int from = Integer.parseInt(dash < 0 ? part : part.substring(0, dash));
                int to = dash < 0 ? from : Integer.parseInt(part.substring(dash + 1));
                if (from < 0 || to < from) {
                    throw new NumberFormatException("bad range");
                }
                for (int n = from; n <= to; n++) {
                    nodes.add(n);
                }
            } catch (NumberFormatException e) {
                throw new IOException(source + " is not a node list like '0-1,3': '" + t + "'", e);
            }
        }
        return nodes;
    }

    public boolean hasMemory(int node) {
        return memoryNodes.contains(node);
    }

    /** Why a plan cannot use {@code node}, or null when it can. */
    public String problemWith(int node, String role) {
        if (hasMemory(node)) {
            return null;
        }
        return "the plan's " + role + " node " + node + " does not exist on this host or has no memory (nodes with memory: "
                + memoryNodes + ")";
    }
}
