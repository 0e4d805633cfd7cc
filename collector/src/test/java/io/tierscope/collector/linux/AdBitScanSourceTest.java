package io.tierscope.collector.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tierscope.avro.ScanSource;
import io.tierscope.collector.source.ScanSink;
import io.tierscope.nativeaccess.LibC;
import io.tierscope.nativeaccess.testing.NativePrograms;
import io.tierscope.nativeaccess.testing.Toucher;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdBitScanSourceTest {
    @TempDir
    Path dir;

    /**
     * A real child's pagemap, and a regular file standing in for the page_idle bitmap (written
     * with the kernel's OR semantics): during the period the test plays the kernel by clearing
     * the idle bit of a page it declares accessed.
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
                // Sparse, one bit per 4 KiB page frame up to 2 TiB of physical address space.
                f.setLength(64L << 20);
            }
            List<Chunk> chunks = new ArrayList<>();
            List<Long> waited = new ArrayList<>();
            boolean[] firstPeriod = {true};
            AdBitScanSource.PeriodWait kernel = millis -> {
                waited.add(millis);
                for (int page : new int[] {0, 2, 5}) {
                    assertTrue(idle(bitmap, PagemapReader.pfn(entries[page])), "armed page " + page);
                }
                if (firstPeriod[0]) {
                    firstPeriod[0] = false;
                    clearIdle(bitmap, PagemapReader.pfn(entries[2])); // the "kernel" saw page 2 accessed
                    child.write(7); // a page faulted in during the period
                }
            };
            try (AdBitScanSource source = new AdBitScanSource(PagemapReader.open(LibC.load(), child.pid),
                    IdlePageTracker.open(new IdleBitmapFileLibC(), bitmap.toString()), null, AdBitScanSource.Bits.ACCESSED,
                    List.of(new ScanRange(100, child.base, 16)), 8, 250, kernel)) {
                assertEquals(3, source.chunkCount());
                assertEquals(ScanSource.IDLE_PAGE_TRACKING, source.kind());
                assertTrue(source.scan(collect(chunks)));

                assertEquals(List.of(250L), waited);
                assertEquals(3, chunks.size());
                assertChunk(chunks.get(0), 100, 4, new byte[] {0b100});
                assertChunk(chunks.get(1), 104, 8, new byte[] {0b1000});
                assertChunk(chunks.get(2), 112, 4, new byte[] {0});
                for (Chunk c : chunks) {
                    assertNull(c.dirty());
                }

                chunks.clear();
                assertTrue(source.scan(collect(chunks)));
                assertEquals(3, chunks.size());
                for (Chunk c : chunks) {
                    assertArrayEquals(new byte[c.accessed().length], c.accessed(),
                            "nothing accessed in the second period, chunk " + c.baseGfn());
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

        List<Chunk> chunks = new ArrayList<>();
        AdBitScanSource.PeriodWait kernel = millis -> assertEquals("4", Files.readString(clearRefs),
                "soft-dirty bits cleared before the period");
        try (AdBitScanSource source = new AdBitScanSource(PagemapReader.open(LibC.load(), pagemap.toString()), null,
                SoftDirtyTracker.open(LibC.load(), clearRefs.toString()), AdBitScanSource.Bits.DIRTY,
                List.of(new ScanRange(0, startVa, pages)), 16, 1000, kernel)) {
            assertEquals(ScanSource.SOFT_DIRTY, source.kind());
            assertEquals(1000, source.periodMs());
            source.scan(collect(chunks));
        }
        assertEquals(2, chunks.size());
        Chunk first = chunks.get(0);
        assertEquals(0, first.baseGfn());
        assertEquals(16, first.pageCount());
        assertArrayEquals(new byte[] {0b10, 0b10}, first.dirty());
        assertArrayEquals(first.dirty(), first.accessed());
        assertEquals(16, chunks.get(1).baseGfn());
        assertEquals(4, chunks.get(1).pageCount());
        assertArrayEquals(new byte[] {0b1000}, chunks.get(1).dirty());
    }

    @Test
    void missingTrackersAndOverlappingRangesAreRejected() throws Exception {
        Exception e = assertThrows(IllegalArgumentException.class, () -> new AdBitScanSource(null, null, null,
                AdBitScanSource.Bits.ACCESSED, List.of(), 8, 10, AdBitScanSource.PeriodWait.SLEEP));
        assertTrue(e.getMessage().contains("needs an IdlePageTracker"), e.getMessage());
        try (SoftDirtyTracker tracker = SoftDirtyTracker.open(LibC.load(),
                Files.createFile(dir.resolve("clear_refs")).toString())) {
            List<ScanRange> overlapping = List.of(new ScanRange(0, 0x10000, 10), new ScanRange(9, 0x20000, 10));
            e = assertThrows(IllegalArgumentException.class, () -> new AdBitScanSource(null, null, tracker,
                    AdBitScanSource.Bits.DIRTY, overlapping, 8, 10, AdBitScanSource.PeriodWait.SLEEP));
            assertTrue(e.getMessage().contains("overlap"), e.getMessage());
        }
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

    /** A chunk as the sink saw it, its bitmaps copied (the source reuses its arrays). */
    record Chunk(long baseGfn, int pageCount, byte[] accessed, byte[] dirty) {
    }

    private static ScanSink collect(List<Chunk> into) {
        return (gfn, pages, accessed, dirty) -> {
            int bytes = (pages + 7) / 8;
            into.add(new Chunk(gfn, pages, Arrays.copyOf(accessed, bytes), dirty == null ? null : Arrays.copyOf(dirty, bytes)));
        };
    }

    private static void assertChunk(Chunk c, long baseGfn, int pages, byte[] accessed) {
        assertEquals(baseGfn, c.baseGfn());
        assertEquals(pages, c.pageCount());
        assertArrayEquals(accessed, c.accessed(), "accessed bits of chunk " + baseGfn);
    }

    private static boolean idle(Path bitmap, long pfn) throws IOException {
        try (FileChannel ch = FileChannel.open(bitmap)) {
            ByteBuffer w = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
            ch.read(w, (pfn >>> 6) * 8);
            return (w.getLong(0) >>> (pfn & 63) & 1) != 0;
        }
    }

    private static void clearIdle(Path bitmap, long pfn) throws IOException {
        try (FileChannel ch = FileChannel.open(bitmap, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer w = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder());
            ch.read(w, (pfn >>> 6) * 8);
            w.putLong(0, w.getLong(0) & ~(1L << (pfn & 63)));
            w.rewind();
            ch.write(w, (pfn >>> 6) * 8);
        }
    }
}
