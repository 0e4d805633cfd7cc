package io.tierscope.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.guestmap.GuestMemoryMap;
import io.tierscope.guestmap.MemslotTable;
import io.tierscope.guestmap.QemuGuestRam;
import io.tierscope.nativeaccess.EptSampleAbi;
import io.tierscope.nativeaccess.testing.FakeEptKernel;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The host resolver's memslot path against the scripted kvm-ept-sample kernel, and its mode names. */
class GuestMemoryResolverTest {
    private static final int SELF = (int) ProcessHandle.current().pid();

    @Test
    void memslotsAreReadWithoutStartingSamplingAndTheDeviceIsReleased() throws Exception {
        // The VM is this JVM (its /proc entry exists); two slots, the second above 4 GiB.
        FakeEptKernel kernel = new FakeEptKernel(SELF, new long[] {0, 0x7f0000000000L, 512},
                new long[] {0x100000000L, 0x7f0000200000L, 256});
        GuestMemoryMap map = GuestMemoryResolver.forHost(GuestMemoryResolver.Mode.MEMSLOTS, kernel, FakeEptKernel.DEVICE,
                null, QemuGuestRam.Machine.Q35).resolve(SELF);
        assertTrue(map instanceof MemslotTable, map.describe());
        assertEquals(0x7f0000000000L + 5 * 4096, map.hvaOf(5));
        assertEquals(0x7f0000200000L + 4096, map.hvaOf(0x100001));
        assertEquals(-1, map.hvaOf(600));
        assertEquals(List.of("open " + FakeEptKernel.DEVICE, "ioctl " + EptSampleAbi.CMD_INIT + " " + SELF,
                "ioctl " + EptSampleAbi.CMD_GET_MEMSLOTS + " capacity 16", "ioctl " + EptSampleAbi.CMD_DEINIT + " 0", "close"),
                kernel.calls, "INIT and GET_MEMSLOTS only: no SET_FREQ, so the VM is never sampled by the executor");
    }

    @Test
    void aProcessWithoutProcEntryIsGoneBeforeAnyDeviceCall() {
        FakeEptKernel kernel = new FakeEptKernel(SELF, new long[] {0, 0, 1});
        assertThrows(GuestMemoryResolver.ProcessGoneException.class, () -> GuestMemoryResolver.forHost(
                GuestMemoryResolver.Mode.MEMSLOTS, kernel, FakeEptKernel.DEVICE, null, QemuGuestRam.Machine.Q35).resolve(0x3ffffff0));
        assertTrue(kernel.calls.isEmpty(), kernel.calls.toString());
    }

    @Test
    void modeNamesParseAsTheHelpWritesThem() {
        assertEquals(GuestMemoryResolver.Mode.HOST_PAGES, GuestMemoryResolver.Mode.parse("host-pages"));
        assertEquals(GuestMemoryResolver.Mode.AUTO, GuestMemoryResolver.Mode.parse("auto"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GuestMemoryResolver.Mode.parse("slots"));
        assertTrue(e.getMessage().contains("use auto, memslots, qemu or host-pages"), e.getMessage());
    }

    @Test
    void autoFallsBackToTheMapsWhenTheCollectorHoldsTheVm(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path device = java.nio.file.Files.createFile(dir.resolve("kvm_ept_sample"));
        FakeEptKernel kernel = new FakeEptKernel(SELF, new long[] {0, 0x7f0000000000L, 512});
        kernel.device = device.toString();
        GuestMemoryResolver auto = GuestMemoryResolver.forHost(GuestMemoryResolver.Mode.AUTO, kernel, device.toString(),
                null, QemuGuestRam.Machine.Q35);
        // The device is free: the memslots.
        assertTrue(auto.resolve(SELF) instanceof MemslotTable);

        // One reader per VM: while the collector samples it, INIT fails with EIO and auto reads /proc/SELF/maps instead.
        kernel.initErrno = io.tierscope.nativeaccess.Errno.EIO;
        kernel.calls.clear();
        GuestMemoryMap map = auto.resolve(SELF);
        assertTrue(map instanceof QemuGuestRam, map.describe());
        // (The JVM's largest anonymous mapping moves as it runs, so only its kind and use are checked.)
        assertEquals(((QemuGuestRam) map).mapping().start(), map.hvaOf(0), "gfn 0 is the start of an anonymous mapping");
        assertEquals(List.of("open " + device, "ioctl " + EptSampleAbi.CMD_INIT + " " + SELF, "close"), kernel.calls,
                "the device is released after the refusal");

        // memslots mode has no fallback: the refusal is the answer.
        GuestMemoryResolver memslots = GuestMemoryResolver.forHost(GuestMemoryResolver.Mode.MEMSLOTS, kernel, device.toString(),
                null, QemuGuestRam.Machine.Q35);
        io.tierscope.nativeaccess.NativeIOException e = assertThrows(io.tierscope.nativeaccess.NativeIOException.class,
                () -> memslots.resolve(SELF));
        assertEquals(io.tierscope.nativeaccess.Errno.EIO, e.errno());
    }
}
