package io.tierscope.guestmap;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Parses /proc/PID/maps (proc(5)): {@code start-end perms offset dev inode [path]}, addresses in hex.
 */
public final class MapsReader {
    /** One mapping; {@code path} is "" for anonymous memory. */
    public record Mapping(long start, long end, String perms, long offset, String device, long inode, String path) {
        public long pages() {
            return (end - start) >>> MemslotTable.PAGE_SHIFT;
        }

        /** Private or shared anonymous memory, including prctl-named "[anon:...]" regions. */
        public boolean isAnonymous() {
            return inode == 0 && (path.isEmpty() || path.startsWith("[anon:"));
        }

        public boolean contains(long address) {
            return Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, end) < 0;
        }
    }

    private MapsReader() {
    }

    public static List<Mapping> read(int pid) throws IOException {
        return read(Path.of("/proc", Integer.toString(pid), "maps"));
    }

    public static List<Mapping> read(Path maps) throws IOException {
        try (BufferedReader in = Files.newBufferedReader(maps, StandardCharsets.UTF_8)) {
            return parse(in, maps.toString());
        }
    }

    /** Parses maps text; {@code source} names it in error messages. */
    public static List<Mapping> parse(Reader text, String source) throws IOException {
        BufferedReader in = text instanceof BufferedReader b ? b : new BufferedReader(text);
        List<Mapping> mappings = new ArrayList<>();
        int lineNo = 0;
        for (String line; (line = in.readLine()) != null; ) {
            lineNo++;
            if (line.isEmpty()) {
                continue;
            }
            mappings.add(parseLine(line, lineNo, source));
        }
        return mappings;
    }

    private static Mapping parseLine(String line, int lineNo, String source) throws IOException {
        // Five space-separated fields, then padding, then the path (which may itself contain spaces).
        String[] f = line.split(" +", 6);
        if (f.length < 5) {
            throw malformed(line, lineNo, source, "expected at least 5 fields");
        }
        int dash = f[0].indexOf('-');
        if (dash < 1 || f[1].length() != 4) {
            throw malformed(line, lineNo, source, "expected 'start-end perms'");
        }
        try {
            long start = Long.parseUnsignedLong(f[0].substring(0, dash), 16);
            long end = Long.parseUnsignedLong(f[0].substring(dash + 1), 16);
            if (Long.compareUnsigned(end, start) < 0) {
                throw malformed(line, lineNo, source, "end address below start address");
            }
            long offset = Long.parseUnsignedLong(f[2], 16);
            long inode = Long.parseLong(f[4]);
            String path = f.length == 6 ? f[5].strip() : "";
            return new Mapping(start, end, f[1], offset, f[3], inode, path);
        } catch (NumberFormatException e) {
            throw malformed(line, lineNo, source, e.getMessage());
        }
    }

    private static IOException malformed(String line, int lineNo, String source, String why) {
        return new IOException(source + " line " + lineNo + " is malformed (" + why + "): '" + line + "'");
    }

    /** The largest mapping whose path contains {@code name} (e.g. "pc.ram" for a memfd-backed QEMU). */
    public static Optional<Mapping> largestNamed(List<Mapping> mappings, String name) {
        Mapping best = null;
        for (Mapping m : mappings) {
            if (m.path().contains(name) && (best == null || m.pages() > best.pages())) {
                best = m;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The largest anonymous mapping: QEMU's guest RAM when it is plain anonymous memory. */
    public static Optional<Mapping> largestAnonymous(List<Mapping> mappings) {
        Mapping best = null;
        for (Mapping m : mappings) {
            if (m.isAnonymous() && (best == null || m.pages() > best.pages())) {
                best = m;
            }
        }
        return Optional.ofNullable(best);
    }

    /** The mapping containing {@code address}. */
    public static Optional<Mapping> containing(List<Mapping> mappings, long address) {
        return mappings.stream().filter(m -> m.contains(address)).findFirst();
    }
}
