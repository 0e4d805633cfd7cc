package io.tierscope.collector.linux;

import io.tierscope.guestmap.MapsReader;
import io.tierscope.guestmap.MemslotTable;
import io.tierscope.guestmap.QemuGuestRam;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A range of a process's virtual memory to scan, named by the gfn of its first page: guest RAM
 * from a memslot (gfn = guest frame), or a plain mapping (gfn = virtual page number, so keys stay
 * unique per process).
 */
public record ScanRange(long baseGfn, long startVa, long pages) {
    public ScanRange {
        if (pages <= 0 || (startVa & (PagemapReader.PAGE_SIZE - 1)) != 0 || baseGfn < 0) {
            throw new IllegalArgumentException("scan range gfn " + baseGfn + " at va 0x" + Long.toHexString(startVa)
                    + " with " + pages + " pages: needs a page-aligned start and at least one page");
        }
    }

    /** Every memslot of a VM: QEMU's guest RAM as the host sees it. */
    public static List<ScanRange> of(MemslotTable memslots) {
        List<ScanRange> ranges = new ArrayList<>(memslots.size());
        for (int i = 0; i < memslots.size(); i++) {
            ranges.add(new ScanRange(memslots.baseGfn(i), memslots.hva(i), memslots.pages(i)));
        }
        return ranges;
    }

    /**
     * The guest RAM of a QEMU process found in its /proc/PID/maps: the largest mapping whose path
     * contains {@code name} (e.g. "pc.ram" for memfd or hugetlbfs backing), or with {@code name}
     * null the largest anonymous mapping.
     *
     * @throws IOException when no mapping fits, naming what was looked for
     */
    public static ScanRange ofGuestRam(int pid, String name) throws IOException {
        return of(QemuGuestRam.find(MapsReader.read(pid), name, "/proc/" + pid + "/maps"));
    }

    /** A mapping from /proc/PID/maps. */
    public static ScanRange of(MapsReader.Mapping mapping) {
        return new ScanRange(mapping.start() >>> PagemapReader.PAGE_SHIFT, mapping.start(), mapping.pages());
    }
}
