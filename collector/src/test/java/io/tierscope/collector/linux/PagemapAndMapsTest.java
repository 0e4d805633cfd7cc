package io.tierscope.collector.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.guestmap.MapsReader;
import io.tierscope.nativeaccess.Errno;
import io.tierscope.nativeaccess.LibC;
import io.tierscope.nativeaccess.NativeIOException;
import io.tierscope.nativeaccess.testing.NativePrograms;
import io.tierscope.nativeaccess.testing.Toucher;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pagemap and maps of a real child process that touched known pages. */
class PagemapAndMapsTest {
    @TempDir
    Path dir;

    @Test
    void presentBitsMatchTheTouchedPagesOfAChild() throws Exception {
        Path toucher = NativePrograms.compile("toucher", dir);
        Set<Integer> touched = Set.of(0, 3, 4, 17, 31);
        try (Toucher child = Toucher.start(toucher, 32, 0, 3, 4, 17, 31)) {
            List<MapsReader.Mapping> maps = MapsReader.read(child.pid);
            MapsReader.Mapping mapping = MapsReader.containing(maps, child.base).orElseThrow();
            assertTrue(mapping.isAnonymous(), mapping.toString());
            assertTrue(mapping.perms().startsWith("rw"), mapping.toString());
            assertTrue(mapping.pages() >= 32, mapping.toString());

            long[] entries = new long[32];
            try (PagemapReader pagemap = PagemapReader.open(LibC.load(), child.pid)) {
                pagemap.read(child.base, 32, entries);
                for (int i = 0; i < 32; i++) {
                    assertEquals(touched.contains(i), PagemapReader.isPresent(entries[i]), "page " + i);
                    assertFalse(PagemapReader.isSwapped(entries[i]), "page " + i);
                }
                child.write(9);
                pagemap.read(child.base, 32, entries);
                assertTrue(PagemapReader.isPresent(entries[9]));
                assertFalse(PagemapReader.isPresent(entries[10]));
            }
            if (KernelSupport.ofThisHost(LibC.load()).pagemapPfns().supported()) {
                assertTrue(PagemapReader.pfn(entries[0]) != 0);
                assertTrue(PagemapReader.isExclusive(entries[0]), "a private anonymous page written once is exclusive");
            }
        }
    }

    @Test
    void guestRamIsTheLargestAnonymousMappingOfTheProcess() throws Exception {
        Path toucher = NativePrograms.compile("toucher", dir);
        try (Toucher child = Toucher.start(toucher, 4096, 1)) {
            ScanRange ram = ScanRange.ofGuestRam(child.pid, null);
            assertTrue(ram.startVa() <= child.base && child.base + 4096 * 4096L <= ram.startVa() + ram.pages() * 4096,
                    ram + " should cover the child's 4096-page mapping at 0x" + Long.toHexString(child.base));
            assertEquals(ram.startVa() >>> 12, ram.baseGfn());
            IOException e = assertThrows(IOException.class, () -> ScanRange.ofGuestRam(child.pid, "pc.ram"));
            assertTrue(e.getMessage().contains("no mapping whose path contains 'pc.ram'"), e.getMessage());
        }
    }

    @Test
    void pagemapOfAGoneProcessSaysSo() {
        NativeIOException e = assertThrows(NativeIOException.class, () -> PagemapReader.open(LibC.load(), 0x3ffffff0));
        assertEquals(Errno.ENOENT, e.errno());
        assertTrue(e.getMessage().contains("process is gone"), e.getMessage());
    }

    @Test
    void mapsParsingFindsNamedAndAnonymousMappings() throws IOException {
        String maps = String.join("\n",
                "55d0c0a00000-55d0c0a02000 r--p 00000000 08:01 1048602                    /usr/bin/qemu-system-x86_64",
                "7f2a00000000-7f2a40000000 rw-p 00000000 00:00 0 ",
                "7f2b00000000-7f2b80000000 rw-s 00000000 00:01 4242                       /memfd:pc.ram (deleted)",
                "7f2c00000000-7f2c00100000 rw-p 00000000 00:00 0                          [anon:guest ram]",
                "7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0                          [stack]",
                "");
        List<MapsReader.Mapping> m = MapsReader.parse(new StringReader(maps), "test maps");
        assertEquals(5, m.size());
        assertEquals(0x7f2a00000000L, MapsReader.largestAnonymous(m).orElseThrow().start());
        MapsReader.Mapping ram = MapsReader.largestNamed(m, "pc.ram").orElseThrow();
        assertEquals("/memfd:pc.ram (deleted)", ram.path());
        assertEquals(0x80000, ram.pages());
        assertEquals("[anon:guest ram]", m.get(3).path());
        assertTrue(m.get(3).isAnonymous());
        assertFalse(m.get(4).isAnonymous());
        assertEquals(1048602, m.get(0).inode());
        assertTrue(MapsReader.largestNamed(m, "nothing").isEmpty());
    }

    @Test
    void malformedMapsLineNamesLineAndContent() {
        String maps = "7f2a00000000-7f2a40000000 rw-p 00000000 00:00 0\nzzzz-7f2a rw-p 00000000 00:00 0\n";
        IOException e = assertThrows(IOException.class, () -> MapsReader.parse(new StringReader(maps), "/proc/1/maps"));
        assertTrue(e.getMessage().contains("/proc/1/maps line 2"), e.getMessage());
        assertTrue(e.getMessage().contains("'zzzz-7f2a rw-p 00000000 00:00 0'"), e.getMessage());
    }
}
