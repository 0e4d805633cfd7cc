package io.tierscope.collector.linux;

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

    /** A mapping from /proc/PID/maps. */
    public static ScanRange of(MapsReader.Mapping mapping) {
        return new ScanRange(mapping.start() >>> PagemapReader.PAGE_SHIFT, mapping.start(), mapping.pages());
    }
}
