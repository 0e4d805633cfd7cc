package io.tierscope.guestmap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.nativeaccess.testing.NativePrograms;
import io.tierscope.nativeaccess.testing.Toucher;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Guest frame to host address mapping from /proc/PID/maps: QEMU's layout, and a real child's maps. */
class QemuGuestRamTest {
    private static final long GIB = 1L << 30;
    private static final long PAGE = 4096;
    private static final long START = 0x7f0000000000L;

    @TempDir
    Path dir;

    private static MapsReader.Mapping anon(long start, long bytes) {
        return new MapsReader.Mapping(start, start + bytes, "rw-p", 0, "00:00", 0, "");
    }

    @Test
    void q35PutsTwoGibBelowTheHoleAndTheRestAtFourGib() {
        QemuGuestRam ram = QemuGuestRam.of(anon(START, 8 * GIB), QemuGuestRam.Machine.Q35.lowRamBytes(8 * GIB));
        assertEquals(START, ram.hvaOf(0));
        assertEquals(START + 2 * GIB - PAGE, ram.hvaOf(2 * GIB / PAGE - 1));
        assertEquals(-1, ram.hvaOf(2 * GIB / PAGE), "first page of the PCI hole");
        assertEquals(-1, ram.hvaOf(4 * GIB / PAGE - 1), "last page of the PCI hole");
        assertEquals(START + 2 * GIB, ram.hvaOf(4 * GIB / PAGE));
        assertEquals(START + 8 * GIB - PAGE, ram.hvaOf(10 * GIB / PAGE - 1), "last page of RAM");
        assertEquals(-1, ram.hvaOf(10 * GIB / PAGE));
        assertEquals(-1, ram.hvaOf(-1));
        long[][] ranges = ram.ranges();
        assertEquals(2, ranges.length);
        assertArrayEquals(new long[] {0, 2 * GIB / PAGE}, ranges[0]);
        assertArrayEquals(new long[] {4 * GIB / PAGE, 6 * GIB / PAGE}, ranges[1]);
    }

    @Test
    void pcKeepsThreeGibLowAndSmallVmsAreNotSplit() {
        assertEquals(3 * GIB, QemuGuestRam.Machine.PC.lowRamBytes(4 * GIB));
        assertEquals(3 * GIB, QemuGuestRam.Machine.PC.lowRamBytes(3 * GIB), "below 3.5 GiB pc keeps all RAM low");
        assertEquals(2 * GIB, QemuGuestRam.Machine.Q35.lowRamBytes(3 * GIB), "from 2.75 GiB q35 splits");
        QemuGuestRam small = QemuGuestRam.of(anon(START, GIB), QemuGuestRam.Machine.Q35.lowRamBytes(GIB));
        assertEquals(START + GIB - PAGE, small.hvaOf(GIB / PAGE - 1));
        assertEquals(-1, small.hvaOf(GIB / PAGE));
        assertEquals(-1, small.hvaOf(4 * GIB / PAGE), "nothing above 4 GiB when all RAM fits below");
        assertArrayEquals(new long[][] {{0, GIB / PAGE}}, small.ranges());
        assertThrows(IllegalArgumentException.class, () -> QemuGuestRam.Machine.parse("virt"));
        assertEquals(QemuGuestRam.Machine.PC, QemuGuestRam.Machine.parse(" PC "));
    }

    @Test
    void backendNameWinsOverTheLargestAnonymousMapping() throws IOException {
        List<MapsReader.Mapping> maps = List.of(anon(START, 4 * GIB),
                new MapsReader.Mapping(0x7e0000000000L, 0x7e0000000000L + GIB, "rw-s", 0, "00:01", 4242, "/memfd:pc.ram (deleted)"));
        assertEquals(START, QemuGuestRam.find(maps, null, "maps").start());
        assertEquals(0x7e0000000000L, QemuGuestRam.find(maps, "pc.ram", "maps").start());
        IOException e = assertThrows(IOException.class, () -> QemuGuestRam.find(maps, "ram-node1", "/proc/7/maps"));
        assertTrue(e.getMessage().contains("/proc/7/maps has no mapping whose path contains 'ram-node1'"), e.getMessage());
    }

    @Test
    void guestRamOfARealChildIsItsLargestAnonymousMapping() throws Exception {
        Path toucher = NativePrograms.compile("toucher", dir);
        try (Toucher child = Toucher.start(toucher, 2048, 0, 5)) {
            QemuGuestRam ram = QemuGuestRam.ofProcess(child.pid, null, QemuGuestRam.Machine.Q35);
            MapsReader.Mapping m = ram.mapping();
            assertTrue(m.start() <= child.base && child.base + 2048 * PAGE <= m.end(),
                    ram.describe() + " should cover the child's 2048 pages at 0x" + Long.toHexString(child.base));
            long firstGfn = (child.base - m.start()) / PAGE;
            assertEquals(child.base, ram.hvaOf(firstGfn));
            assertEquals(child.base + 5 * PAGE, ram.hvaOf(firstGfn + 5));
            assertEquals(-1, ram.hvaOf(m.pages()), "one past the mapping");
        }
    }

    @Test
    void hostVirtualPagesAreValidOnlyInsideTheirMapping() {
        HostVirtualPages pages = new HostVirtualPages(anon(START, 16 * PAGE));
        assertEquals(START, pages.hvaOf(START / PAGE));
        assertEquals(START + 15 * PAGE, pages.hvaOf(START / PAGE + 15));
        assertEquals(-1, pages.hvaOf(START / PAGE + 16));
        assertEquals(-1, pages.hvaOf(START / PAGE - 1));
        assertEquals(-1, pages.hvaOf(-5));
        assertArrayEquals(new long[][] {{START / PAGE, 16}}, pages.ranges());
    }
}
