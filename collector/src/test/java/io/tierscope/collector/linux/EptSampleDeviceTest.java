package io.tierscope.collector.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.nativeaccess.EptSampleAbi;
import io.tierscope.nativeaccess.Errno;
import io.tierscope.nativeaccess.LibC;
import io.tierscope.nativeaccess.NativeIOException;
import io.tierscope.nativeaccess.NativeOperation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EptSampleDeviceTest {
    @TempDir
    Path dir;

    @Test
    void missingDeviceSaysWhichModuleToLoad() {
        String path = dir.resolve("kvm_ept_sample").toString();
        NativeIOException e = assertThrows(NativeIOException.class, () -> EptSampleDevice.open(LibC.load(), path));
        assertEquals(Errno.ENOENT, e.errno());
        assertEquals(NativeOperation.EPT_OPEN, e.operation());
        assertTrue(e.getMessage().contains("load kvm-ept-sample: insmod kvm_ept_sample.ko"), e.getMessage());
        assertTrue(e.getMessage().contains(path), e.getMessage());
    }

    @Test
    void regularFileIsNotTheDevice() throws Exception {
        Path notDevice = Files.writeString(dir.resolve("not-a-device"), "");
        try (EptSampleDevice device = EptSampleDevice.open(LibC.load(), notDevice.toString())) {
            NativeIOException e = assertThrows(NativeIOException.class, () -> device.init(1));
            assertEquals(Errno.ENOTTY, e.errno());
            assertTrue(e.getMessage().contains("not the kvm-ept-sample device"), e.getMessage());
        }
    }

    @Test
    void readOfTornSampleIsAnErrorNotADrop() throws Exception {
        Path torn = Files.write(dir.resolve("torn"), new byte[] {1, 2, 3, 4, 5, 6});
        try (EptSampleDevice device = EptSampleDevice.open(LibC.load(), torn.toString())) {
            Exception e = assertThrows(java.io.IOException.class, () -> device.read(new long[4], new byte[4], 0, 4));
            assertTrue(e.getMessage().contains("6 bytes, not a multiple of 4"), e.getMessage());
        }
    }

    @Test
    void memslotBufferGrowsUntilEverySlotFits() throws Exception {
        long[][] slots = new long[20][];
        for (int i = 0; i < slots.length; i++) {
            // Reported out of gpa order on purpose: the table sorts.
            int k = slots.length - 1 - i;
            slots[i] = new long[] {(long) k * 0x100000, 0x7f0000000000L + (long) k * 0x200000, 256};
        }
        FakeEptKernel kernel = new FakeEptKernel(4242, slots);
        try (EptSampleDevice device = EptSampleDevice.open(kernel, FakeEptKernel.DEVICE)) {
            device.init(4242);
            MemslotTable table = device.memslots();
            assertEquals(20, table.size());
            for (int k = 0; k < 20; k++) {
                assertEquals((long) k * 0x100, table.baseGfn(k));
                assertEquals(0x7f0000000000L + (long) k * 0x200000, table.hva(k));
                assertEquals(256, table.pages(k));
            }
            assertEquals(List.of("ioctl 1203 capacity 16", "ioctl 1203 capacity 20"),
                    kernel.calls.stream().filter(c -> c.startsWith("ioctl 1203")).toList());
        }
    }

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
    void commandsBeforeInitAreRejectedWithAdvice() throws Exception {
        FakeEptKernel kernel = new FakeEptKernel(1, new long[] {0, 0, 1});
        try (EptSampleDevice device = EptSampleDevice.open(kernel, FakeEptKernel.DEVICE)) {
            NativeIOException e = assertThrows(NativeIOException.class, () -> device.setFrequency(100));
            assertEquals(Errno.EINVAL, e.errno());
            assertTrue(e.getMessage().contains("INIT must succeed first"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> device.setProtection(0));
            assertThrows(IllegalArgumentException.class, () -> device.setProtection(8));
        }
        assertEquals(EptSampleAbi.CMD_SET_FREQ, 1202);
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
