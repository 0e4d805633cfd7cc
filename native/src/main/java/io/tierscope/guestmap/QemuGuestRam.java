package io.tierscope.guestmap;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * A QEMU VM's guest RAM found in its /proc/PID/maps, without kvm-ept-sample.
 *
 * <p>Recognising the region: QEMU keeps guest RAM in one host mapping the size of the VM's memory.
 * With a memory backend name given (e.g. "pc.ram", the path of a memfd- or hugetlbfs-backed
 * backend shows it: "/memfd:pc.ram (deleted)", "/dev/hugepages/qemu_back_mem.pc.ram.XXXX"), it
 * is the largest mapping whose path contains that name; otherwise it is the largest anonymous
 * mapping (plain anonymous RAM, QEMU's default), which on a VM host dwarfs everything else.
 *
 * <p>Guest frames: QEMU puts the first {@code lowRamBytes} of RAM at guest address 0 and the rest
 * at 4 GiB (above the PCI hole), as its memslots do (hw/i386/pc_q35.c, pc_piix.c): gfn g below the
 * low part is at {@code start + g * 4096}, gfn g at or above 4 GiB at
 * {@code start + lowRamBytes + (g * 4096 - 4 GiB)}; the hole in between has no RAM.
 */
public final class QemuGuestRam implements GuestMemoryMap {
    private static final long FOUR_GIB = 1L << 32;

    /** How a QEMU machine type splits RAM around the PCI hole. */
    public enum Machine {
        /** q35: RAM of 2.75 GiB or more keeps 2 GiB below 4 GiB. */
        Q35(0xb0000000L, 0x80000000L),
        /** pc (i440fx): RAM of 3.5 GiB or more keeps 3 GiB below 4 GiB. */
        PC(0xe0000000L, 0xc0000000L);

        private final long splitFrom;
        private final long lowWhenSplit;

        Machine(long splitFrom, long lowWhenSplit) {
            this.splitFrom = splitFrom;
            this.lowWhenSplit = lowWhenSplit;
        }

        /** Bytes of RAM this machine type places below 4 GiB for a VM of {@code ramBytes}. */
        public long lowRamBytes(long ramBytes) {
            return ramBytes >= splitFrom ? lowWhenSplit : ramBytes;
        }

        public static Machine parse(String name) {
            try {
                return valueOf(name.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown QEMU machine type '" + name + "': use q35 or pc");
            }
        }
    }

    private final MapsReader.Mapping ram;
    private final long lowPages;
    private final long pages;

    private QemuGuestRam(MapsReader.Mapping ram, long lowRamBytes) {
        this.ram = ram;
        this.pages = ram.pages();
        this.lowPages = Math.min(pages, lowRamBytes >>> PAGE_SHIFT);
    }

    /** The guest RAM of the mapping {@code ram}, {@code lowRamBytes} of it below 4 GiB. */
    public static QemuGuestRam of(MapsReader.Mapping ram, long lowRamBytes) {
        if (lowRamBytes < 0 || (lowRamBytes & ((1L << PAGE_SHIFT) - 1)) != 0) {
            throw new IllegalArgumentException("low RAM size must be a non-negative multiple of 4096, got " + lowRamBytes);
        }
        return new QemuGuestRam(ram, lowRamBytes);
    }

    /** The guest RAM of process {@code pid} as {@code machine} lays it out; see the class comment. */
    public static QemuGuestRam ofProcess(int pid, String backendName, Machine machine) throws IOException {
        MapsReader.Mapping ram = find(MapsReader.read(pid), backendName, "/proc/" + pid + "/maps");
        return of(ram, machine.lowRamBytes(ram.end() - ram.start()));
    }

    /**
     * The guest RAM mapping among {@code maps}: the largest whose path contains {@code backendName},
     * or with {@code backendName} null the largest anonymous one.
     *
     * @throws IOException when none fits, naming what was looked for in {@code source}
     */
    public static MapsReader.Mapping find(List<MapsReader.Mapping> maps, String backendName, String source)
            throws IOException {
        return (backendName == null ? MapsReader.largestAnonymous(maps) : MapsReader.largestNamed(maps, backendName))
                .orElseThrow(() -> new IOException(source + " has no "
                        + (backendName == null ? "anonymous mapping" : "mapping whose path contains '" + backendName + "'")
                        + " among its " + maps.size() + " mappings: is this the VM's QEMU process?"));
    }

    public MapsReader.Mapping mapping() {
        return ram;
    }

    @Override
    public long hvaOf(long gfn) {
        if (gfn < 0) {
            return -1;
        }
        if (gfn < lowPages) {
            return ram.start() + (gfn << PAGE_SHIFT);
        }
        long highGfn = gfn - (FOUR_GIB >>> PAGE_SHIFT);
        if (highGfn < 0 || highGfn >= pages - lowPages) {
            return -1;
        }
        return ram.start() + ((lowPages + highGfn) << PAGE_SHIFT);
    }

    @Override
    public long[][] ranges() {
        if (lowPages == pages) {
            return new long[][] {{0, pages}};
        }
        return new long[][] {{0, lowPages}, {FOUR_GIB >>> PAGE_SHIFT, pages - lowPages}};
    }

    @Override
    public String describe() {
        return "QEMU guest RAM in /proc/PID/maps: 0x" + Long.toHexString(ram.start()) + "-0x" + Long.toHexString(ram.end())
                + " (" + pages + " pages, " + lowPages + " below 4 GiB" + (ram.path().isEmpty() ? "" : ", " + ram.path()) + ")";
    }
}
