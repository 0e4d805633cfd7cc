package io.tierscope.nativeaccess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NativeErrorTest {
    @Test
    void errnoNames() {
        assertEquals("ESRCH", Errno.name(3));
        assertEquals("ENXIO", Errno.name(6));
        assertEquals("EFAULT", Errno.name(14));
        assertEquals("errno 200", Errno.name(200));
        assertEquals("errno -1", Errno.name(-1));
    }

    @Test
    void messageCarriesActionTargetErrnoStrerrorAndAdvice() {
        NativeIOException e = NativeError.of(LibC.load(), NativeOperation.EPT_OPEN, "/proc/kvm_ept_sample", Errno.ENOENT);
        assertEquals("cannot open the kvm-ept-sample device (/proc/kvm_ept_sample): ENOENT (No such file or directory)"
                + " - " + NativeOperation.EPT_OPEN.advice(Errno.ENOENT), e.getMessage());
        assertTrue(e.getMessage().contains("load kvm-ept-sample: insmod kvm_ept_sample.ko"));
        assertEquals("ENOENT", e.errnoName());
    }

    @Test
    void everyKvmEptSampleErrnoSaysWhatToDo() {
        assertTrue(NativeOperation.EPT_INIT.advice(Errno.ESRCH).contains("QEMU process is gone"));
        assertTrue(NativeOperation.EPT_INIT.advice(Errno.EINVAL).contains("no KVM VM"));
        assertTrue(NativeOperation.EPT_INIT.advice(Errno.ENXIO).contains("vCPU"));
        assertTrue(NativeOperation.EPT_INIT.advice(Errno.EFAULT).contains("EPT roots"));
        assertTrue(NativeOperation.EPT_INIT.advice(Errno.EIO).contains("already attached"));
        assertTrue(NativeOperation.EPT_GET_MEMSLOTS.advice(Errno.EIO).contains("collector bug"));
        assertTrue(NativeOperation.EPT_READ.advice(Errno.EIO).contains("collector bug"));
    }

    @Test
    void permissionErrorsNameTheCapability() {
        assertTrue(NativeOperation.PAGEMAP_OPEN.advice(Errno.EACCES).contains("CAP_SYS_PTRACE"));
        assertTrue(NativeOperation.PAGEMAP_OPEN.advice(Errno.EPERM).contains("CAP_SYS_ADMIN"));
        assertTrue(NativeOperation.PAGE_IDLE_OPEN.advice(Errno.EACCES).contains("root"));
        assertTrue(NativeOperation.CLEAR_REFS_WRITE.advice(Errno.EPERM).contains("ptrace"));
        assertTrue(NativeOperation.MOVE_PAGES.advice(Errno.EPERM).contains("CAP_SYS_NICE"));
    }

    @Test
    void unknownCombinationsStillGiveAdvice() {
        for (NativeOperation op : NativeOperation.values()) {
            for (int errno = 1; errno < 100; errno++) {
                assertFalse(op.advice(errno).isBlank(), op + " " + errno);
            }
        }
    }
}
