package io.tierscope.collector.linux;

import com.sun.jna.Memory;
import io.tierscope.nativeaccess.LibC;
import io.tierscope.nativeaccess.NativeFile;
import io.tierscope.nativeaccess.NativeIOException;
import io.tierscope.nativeaccess.NativeOperation;
import java.io.IOException;

/**
 * Reads /proc/PID/pagemap: one little-endian u64 per virtual page at offset {@code (va / 4096) * 8}
 * (Documentation/admin-guide/mm/pagemap.rst). PFNs read as 0 without CAP_SYS_ADMIN.
 */
public final class PagemapReader implements AutoCloseable {
    public static final int PAGE_SHIFT = 12;
    public static final long PAGE_SIZE = 1L << PAGE_SHIFT;
    public static final long PRESENT = 1L << 63;
    public static final long SWAPPED = 1L << 62;
    public static final long FILE_OR_SHARED_ANON = 1L << 61;
    public static final long EXCLUSIVE = 1L << 56;
    public static final long SOFT_DIRTY = 1L << 55;
    public static final long PFN_MASK = (1L << 55) - 1;
    /** Entries per pread: 512 KiB of pagemap, 256 MiB of address space. */
    private static final int ENTRIES_PER_READ = 64 * 1024;

    private final NativeFile file;
    private final Memory buffer = new Memory((long) ENTRIES_PER_READ * Long.BYTES);

    private PagemapReader(NativeFile file) {
        this.file = file;
    }

    /** Opens /proc/{@code pid}/pagemap. */
    public static PagemapReader open(LibC libc, int pid) throws NativeIOException {
        return open(libc, "/proc/" + pid + "/pagemap");
    }

    /** Opens a pagemap file at {@code path} (a real one, or a file laid out like one). */
    public static PagemapReader open(LibC libc, String path) throws NativeIOException {
        return new PagemapReader(NativeFile.open(libc, path, LibC.O_RDONLY,
                NativeOperation.PAGEMAP_OPEN, NativeOperation.PAGEMAP_READ, NativeOperation.PAGEMAP_READ));
    }

    public String path() {
        return file.path();
    }

    /**
     * Reads the entries of {@code pages} pages starting at page-aligned {@code startVa} into
     * {@code entries[0..pages)}.
     */
    public void read(long startVa, int pages, long[] entries) throws IOException {
        if ((startVa & (PAGE_SIZE - 1)) != 0) {
            throw new IllegalArgumentException("pagemap start address 0x" + Long.toHexString(startVa) + " is not page aligned");
        }
        long vpn = startVa >>> PAGE_SHIFT;
        int done = 0;
        while (done < pages) {
            int n = Math.min(ENTRIES_PER_READ, pages - done);
            long offset = (vpn + done) * Long.BYTES;
            long got = file.preadFully(buffer, (long) n * Long.BYTES, offset);
            if (got != (long) n * Long.BYTES) {
                throw new IOException(file.path() + " ended at byte " + (offset + got) + " while reading "
                        + n + " entries from virtual page 0x" + Long.toHexString(vpn + done)
                        + ": the address range is beyond the process's address space");
            }
            buffer.read(0, entries, done, n);
            done += n;
        }
    }

    public static boolean isPresent(long entry) {
        return entry < 0;
    }

    public static boolean isSwapped(long entry) {
        return (entry & SWAPPED) != 0;
    }

    public static boolean isSoftDirty(long entry) {
        return (entry & SOFT_DIRTY) != 0;
    }

    public static boolean isExclusive(long entry) {
        return (entry & EXCLUSIVE) != 0;
    }

    /** The page frame number of a present page; 0 when the reader lacks CAP_SYS_ADMIN. */
    public static long pfn(long entry) {
        return entry & PFN_MASK;
    }

    @Override
    public void close() throws NativeIOException {
        buffer.close();
        file.close();
    }
}
