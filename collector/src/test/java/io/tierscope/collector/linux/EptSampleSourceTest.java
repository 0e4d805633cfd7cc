package io.tierscope.collector.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.nativeaccess.EptSampleAbi;
import io.tierscope.nativeaccess.Errno;
import io.tierscope.nativeaccess.NativeIOException;
import io.tierscope.nativeaccess.testing.FakeEptKernel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** EptSampleSource over a scripted kvm-ept-sample kernel. */
class EptSampleSourceTest {
    @Test
    void sourceRunsTheProtocolAndDrainsTheQueueAcrossReads() throws Exception {
        FakeEptKernel kernel = new FakeEptKernel(4242, new long[] {0, 0x7f0000000000L, 1024},
                new long[] {0x100000000L, 0x7f1000000000L, 1024});
        kernel.maxSamplesPerRead = 3;
        // gfn 5 read; gfn 0x100000 + 1 write|exec; gfn 2000 (no slot) read
        kernel.enqueue(5 | (1 << 29), 0x100001 | (6 << 29), 2000 | (1 << 29), 7, 8, 9, 10);
        long[] gfn = new long[16];
        byte[] xwr = new byte[16];
        try (EptSampleSource source = EptSampleSource.start(kernel, FakeEptKernel.DEVICE, 4242, 6, 1000)) {
            int n = source.poll(gfn, xwr, 16);
            assertEquals(7, n);
            assertArrayEquals(new long[] {5, 0x100001, 2000, 7, 8, 9, 10}, java.util.Arrays.copyOf(gfn, 7));
            assertArrayEquals(new byte[] {1, 6, 1, 0, 0, 0, 0}, java.util.Arrays.copyOf(xwr, 7));
            assertEquals(1, source.outsideMemslots());
            assertEquals(0, source.poll(gfn, xwr, 16));
        }
        assertEquals(List.of("open " + FakeEptKernel.DEVICE, "ioctl 1200 4242", "ioctl 1201 6", "ioctl 1202 1000",
                "ioctl 1203 capacity 16", "ioctl 1202 0", "ioctl 1204 0", "close"), kernel.calls);
    }

    @Test
    void pollStopsAtMax() throws Exception {
        FakeEptKernel kernel = new FakeEptKernel(1, new long[] {0, 0x1000, 16});
        kernel.enqueue(1, 2, 3, 4, 5);
        long[] gfn = new long[3];
        byte[] xwr = new byte[3];
        try (EptSampleSource source = EptSampleSource.start(kernel, FakeEptKernel.DEVICE, 1, 7, 10)) {
            assertEquals(3, source.poll(gfn, xwr, 3));
            assertArrayEquals(new long[] {1, 2, 3}, gfn);
            assertEquals(2, source.poll(gfn, xwr, 3));
            assertEquals(5, source.delivered());
        }
    }

    @Test
    void goneVmSaysThePidIsGoneAndClosesTheDevice() {
        FakeEptKernel kernel = new FakeEptKernel(4242, new long[] {0, 0, 1});
        NativeIOException e = assertThrows(NativeIOException.class,
                () -> EptSampleSource.start(kernel, FakeEptKernel.DEVICE, 999, 7, 100));
        assertEquals(Errno.ESRCH, e.errno());
        assertTrue(e.getMessage().contains("pid 999"), e.getMessage());
        assertTrue(e.getMessage().contains("QEMU process is gone"), e.getMessage());
        assertEquals("close", kernel.calls.get(kernel.calls.size() - 1));
    }

    @Test
    void fullKernelQueueIsFlaggedAndEagainCountsAsEmpty() throws Exception {
        FakeEptKernel kernel = new FakeEptKernel(1, new long[] {0, 0x1000, 16});
        kernel.maxSamplesPerRead = 4096;
        int[] raw = new int[EptSampleAbi.KERNEL_QUEUE_SAMPLES];
        kernel.enqueue(raw);
        long[] gfn = new long[70_000];
        byte[] xwr = new byte[70_000];
        try (EptSampleSource source = EptSampleSource.start(kernel, FakeEptKernel.DEVICE, 1, 7, 10)) {
            assertEquals(EptSampleAbi.KERNEL_QUEUE_SAMPLES, source.poll(gfn, xwr, gfn.length));
            assertEquals(1, source.fullQueuePolls());
            kernel.enqueue(1, 2);
            assertEquals(2, source.poll(gfn, xwr, gfn.length));
            assertEquals(1, source.fullQueuePolls());
            kernel.readErrno = Errno.EAGAIN;
            assertEquals(0, source.poll(gfn, xwr, gfn.length));
            kernel.readErrno = Errno.EIO;
            NativeIOException e = assertThrows(NativeIOException.class, () -> source.poll(gfn, xwr, 8));
            assertTrue(e.getMessage().contains("collector bug"), e.getMessage());
            kernel.readErrno = 0;
        }
    }
}
