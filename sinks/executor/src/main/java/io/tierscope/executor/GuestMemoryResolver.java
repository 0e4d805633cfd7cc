package io.tierscope.executor;

import io.tierscope.guestmap.EptSampleDevice;
import io.tierscope.guestmap.GuestMemoryMap;
import io.tierscope.guestmap.HostVirtualPages;
import io.tierscope.guestmap.MapsReader;
import io.tierscope.guestmap.QemuGuestRam;
import io.tierscope.nativeaccess.Errno;
import io.tierscope.nativeaccess.LibC;
import io.tierscope.nativeaccess.NativeIOException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Finds a VM's gfn to host address map from its host process id. Pluggable: tests map their own processes. */
@FunctionalInterface
public interface GuestMemoryResolver {
    /**
     * @throws ProcessGoneException when the process does not exist
     * @throws IOException          when its guest memory cannot be found
     */
    GuestMemoryMap resolve(int pid) throws IOException;

    /** The process of a VM no longer exists. */
    final class ProcessGoneException extends IOException {
        private static final long serialVersionUID = 1L;

        public ProcessGoneException(int pid) {
            super("process " + pid + " is gone (no /proc/" + pid + "): the VM stopped or the inventory's pid is stale");
        }
    }

    /** How plan gfns are numbered, and so where they are found. */
    enum Mode {
        /** kvm-ept-sample memslots when the device is present and free, else QEMU's guest RAM from maps. */
        AUTO,
        /** kvm-ept-sample GET_MEMSLOTS only. */
        MEMSLOTS,
        /** QEMU's guest RAM mapping in /proc/PID/maps, split around the PCI hole like the memslots. */
        QEMU,
        /** gfn = host virtual page number in the guest RAM mapping (the collector's scans without kvm-ept-sample). */
        HOST_PAGES;

        public static Mode parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown gfn mapping '" + s + "': use auto, memslots, qemu or host-pages");
            }
        }
    }

    /** The resolver of this host's real processes. */
    static GuestMemoryResolver forHost(Mode mode, LibC libc, String eptDevice, String backendName, QemuGuestRam.Machine machine) {
        Logger log = LoggerFactory.getLogger(GuestMemoryResolver.class);
        return pid -> {
            if (!Files.isDirectory(Path.of("/proc", Integer.toString(pid)))) {
                throw new ProcessGoneException(pid);
            }
            try {
                switch (mode) {
                    case MEMSLOTS:
                        return memslots(libc, eptDevice, pid);
                    case QEMU:
                        return QemuGuestRam.ofProcess(pid, backendName, machine);
                    case HOST_PAGES:
                        return new HostVirtualPages(QemuGuestRam.find(MapsReader.read(pid), backendName, "/proc/" + pid + "/maps"));
                    default:
                        if (Files.exists(Path.of(eptDevice))) {
                            try {
                                return memslots(libc, eptDevice, pid);
                            } catch (NativeIOException e) {
                                // EIO: the collector holds the VM's sampling hook (one reader per VM); the maps give the same frames.
                                log.info("memslots of pid {} unavailable ({}); using its QEMU guest RAM mapping", pid, e.errnoName());
                            }
                        }
                        return QemuGuestRam.ofProcess(pid, backendName, machine);
                }
            } catch (NoSuchFileException e) {
                throw new ProcessGoneException(pid);
            } catch (NativeIOException e) {
                if (e.errno() == Errno.ESRCH) {
                    throw new ProcessGoneException(pid);
                }
                throw e;
            }
        };
    }

    /** INIT without SET_FREQ starts no sampling; closing detaches at once. */
    private static GuestMemoryMap memslots(LibC libc, String eptDevice, int pid) throws NativeIOException {
        try (EptSampleDevice device = EptSampleDevice.open(libc, eptDevice)) {
            device.init(pid);
            return device.memslots();
        }
    }
}
