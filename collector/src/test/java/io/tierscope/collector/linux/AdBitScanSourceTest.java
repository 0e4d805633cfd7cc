package io.tierscope.collector.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tierscope.avro.ScanSource;
import io.tierscope.collector.source.ScanChunk;
import io.tierscope.nativeaccess.LibC;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdBitScanSourceTest {
    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong(1_000);

    /**
     * A real child's pagemap, and a regular file standing in for the page_idle bitmap: the test
     * plays the kernel by clearing the idle bit of a page it declares accessed.
     */
    @Test
    void accessedBitsFromIdleTrackingOfAChildProcess() throws Exception {
        KernelSupport.Check pfns = KernelSupport.ofThisHost(LibC.load()).pagemapPfns();
        assumeTrue(pfns.supported(), pfns.reason());
        Path toucher = NativePrograms.compile("toucher", dir);
        try (Toucher child = Toucher.start(toucher, 16, 0, 2, 5)) {
            long[] entries = new long[16];
            try (PagemapReader probe = PagemapReader.open(LibC.load(), child.pid)) {
                probe.read(child.base, 16, entries);
            }
            Path bitmap = dir.resolve("bitmap");
            try (RandomAccessFile f = new RandomAccessFile(bitmap.toFile(), "rw")) {
                // Sparse, covering all of physical memory's PFNs: 1 bit per 4 KiB page.
                f.setLength(64L << 20);
            }
            List<ScanChunk> chunks = new ArrayList<>();
            try (AdBitScanSource source = new AdBitScanSource(PagemapReader.open(LibC.load(), child.pid),
                    IdlePageTracker.open(LibC.load(), bitmap.toString()), null, AdBitScanSource.Bits.ACCESSED,
                    List.of(new ScanRange(100, child.base, 16)), 8, clock::get)) {
                assertEquals(3, source.chunkCount());
                source.scan(chunks::add);
                assertTrue(chunks.isEmpty(), "the first scan only arms");
                for (int page : new int[] {0, 2, 5}) {
                    assertTrue(idle(bitmap, PagemapReader.pfn(entries[page])), "armed page " + page);
                }

                clearIdle(bitmap, PagemapReader.pfn(entries[2])); // the "kernel" saw page 2 accessed
                child.write(7); // a page faulted in since arming
                clock.addAndGet(250);
                source.scan(chunks::add);

                assertEquals(3, chunks.size());
                assertChunk(chunks.get(0), 100, 4, new byte[] {0b100});
                assertChunk(chunks.get(1), 104, 8, new byte[] {0b1000});
                assertChunk(chunks.get(2), 112, 4, new byte[] {0});
                for (ScanChunk c : chunks) {
                    assertEquals(0, c.scanSeq());
                    assertEquals(1250, c.timeMs());
                    assertEquals(250, c.periodMs());
                    assertEquals(ScanSource.IDLE_PAGE_TRACKING, c.kind());
                    assertNull(c.dirty());
                }
                assertTrue(idle(bitmap, PagemapReader.pfn(entries[2])), "re-armed after the scan");

                chunks.clear();
                clock.addAndGet(100);
                source.scan(chunks::add);
                assertEquals(1, chunks.get(0).scanSeq());
                assertEquals(100, chunks.get(0).periodMs());
                for (ScanChunk c : chunks) {
                    for (int i = 0; i < c.pageCount(); i++) {
                        assertTrue(!c.accessed(i), "nothing accessed in the third period, page " + i + " of " + c.baseGfn());
                    }
                }
            }
        }
    }

    /** Pagemap and clear_refs as regular files laid out byte for byte like the kernel's. */
    @Test
    void dirtyBitsFromSoftDirtyLaidOutLikeTheKernel() throws Exception {
        long startVa = 0x7f0000010000L;
        int pages = 20;
        long[] entries = new long[pages];
        entries[1] = PagemapReader.PRESENT | PagemapReader.SOFT_DIRTY | 0x1234;
        entries[2] = PagemapReader.PRESENT | 0x1235; // present, clean
        entries[9] = PagemapReader.SWAPPED | PagemapReader.SOFT_DIRTY | 0x55; // swapped out after a write
        entries[19] = PagemapReader.PRESENT | PagemapReader.SOFT_DIRTY | PagemapReader.EXCLUSIVE | 0x99;
        Path pagemap = dir.resolve("pagemap");
        ByteBuffer b = ByteBuffer.allocate(pages * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(entries);
        try (FileChannel ch = FileChannel.open(pagemap, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(b, (startVa >>> 12) * 8);
        }
        Path clearRefs = Files.createFile(dir.resolve("clear_refs"));

        List<ScanChunk> chunks = new ArrayList<>();
        try (AdBitScanSource source = new AdBitScanSource(PagemapReader.open(LibC.load(), pagemap.toString()), null,
                SoftDirtyTracker.open(LibC.load(), clearRefs.toString()), AdBitScanSource.Bits.DIRTY,
                List.of(new ScanRange(0, startVa, pages)), 16, clock::get)) {
            source.scan(chunks::add);
            assertEquals("4", Files.readString(clearRefs));
            Files.writeString(clearRefs, "");
            source.scan(chunks::add);
        }
        assertEquals("4", Files.readString(clearRefs), "cleared again after reading");
        assertEquals(2, chunks.size());
        ScanChunk first = chunks.get(0);
        assertEquals(ScanSource.SOFT_DIRTY, first.kind());
        assertArrayEquals(new byte[] {0b10, 0b10}, first.dirty());
        assertArrayEquals(first.dirty(), first.accessed());
        assertEquals(16, chunks.get(1).baseGfn());
        assertArrayEquals(new byte[] {0b1000}, chunks.get(1).dirty());
    }

    /** Real soft-dirty on the test's own child, where the kernel has it. */
    @Test
    void softDirtyOfAChildProcess() throws Exception {
        KernelSupport.Check softDirty = KernelSupport.ofThisHost(LibC.load()).softDirty();
        assumeTrue(softDirty.supported(), softDirty.reason());
        Path toucher = NativePrograms.compile("toucher", dir);
        try (Toucher child = Toucher.start(toucher, 8, 0, 1, 2, 3);
             SoftDirtyTracker tracker = SoftDirtyTracker.open(LibC.load(), child.pid);
             PagemapReader pagemap = PagemapReader.open(LibC.load(), child.pid)) {
            tracker.clear();
            child.write(2);
            long[] entries = new long[8];
            pagemap.read(child.base, 8, entries);
            for (int i = 0; i < 4; i++) {
                assertEquals(i == 2, PagemapReader.isSoftDirty(entries[i]), "page " + i);
            }
        }
    }

    private static void assertChunk(ScanChunk c, long baseGfn, int pages, byte[] accessed) {
        assertEquals(baseGfn, c.baseGfn());
        assertEquals(pages, c.pageCount());
        assertArrayEquals(accessed, c.accessed(), "accessed bits of chunk " + baseGfn);
    }

    private static boolean idle(Path bitmap, long pfn) throws Exception {
        try (FileChannel ch = FileChannel.open(bitmap)) {
            ByteBuffer w = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
            ch.read(w, (pfn >>> 6) * 8);
            return (w.getLong(0) >>> (pfn & 63) & 1) != 0;
        }
    }

    private static void clearIdle(Path bitmap, long pfn) throws Exception {
        try (FileChannel ch = FileChannel.open(bitmap, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer w = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
            ch.read(w, (pfn >>> 6) * 8);
            w.putLong(0, w.getLong(0) & ~(1L << (pfn & 63)));
            w.rewind();
            ch.write(w, (pfn >>> 6) * 8);
        }
    }
}
