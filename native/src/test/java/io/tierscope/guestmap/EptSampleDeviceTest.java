package io.tierscope.guestmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.nativeaccess.EptSampleAbi;
import io.tierscope.nativeaccess.Errno;
import io.tierscope.nativeaccess.LibC;
import io.tierscope.nativeaccess.NativeIOException;
import io.tierscope.nativeaccess.NativeOperation;
import io.tierscope.nativeaccess.testing.FakeEptKernel;
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
}
