package io.tierscope.bench.executor;

import com.sun.jna.Pointer;
import io.tierscope.nativeaccess.LibC;
import io.tierscope.nativeaccess.MovePages;
import io.tierscope.nativeaccess.NativeIOException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the executor's move_pages calls cost on this process's own present pages: a query (the
 * dry run and every placement chunk) and a move to the node the pages are already on (the
 * per-call cost of --apply without the copy; a copy across nodes needs a second node). Calls per
 * second; multiply by the page count for pages per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class MovePagesBench {
    private static final long PAGE = 4096;

    /** 512: the executor's batch; 32768: one placement chunk. */
    @Param({"512", "32768"})
    public int pages;

    private LibC libc;
    private Pointer memory;
    private long[] addresses;
    private int[] status;
    private int[] nodes;

    @Setup
    public void map() throws NativeIOException {
        libc = LibC.load();
        memory = libc.mmap(null, pages * PAGE, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_PRIVATE | LibC.MAP_ANONYMOUS, -1, 0);
        long base = Pointer.nativeValue(memory);
        addresses = new long[pages];
        for (int i = 0; i < pages; i++) {
            memory.setByte(i * PAGE, (byte) 1);
            addresses[i] = base + i * PAGE;
        }
        status = new int[pages];
        MovePages.query(libc, 0, addresses, status, pages);
        nodes = new int[pages];
        Arrays.fill(nodes, status[0]);
    }

    @Benchmark
    public int query() throws NativeIOException {
        MovePages.query(libc, 0, addresses, status, pages);
        return status[pages - 1];
    }

    @Benchmark
    public long moveToTheCurrentNode() throws NativeIOException {
        return MovePages.move(libc, 0, addresses, nodes, status, pages, MovePages.MPOL_MF_MOVE);
    }

    @TearDown
    public void unmap() {
        libc.munmap(memory, pages * PAGE);
    }
}
