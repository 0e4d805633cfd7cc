package io.tierscope.guestmap;

/**
 * Where a VM's guest frames live in its host process: gfn to host virtual address. Sources:
 * kvm-ept-sample's memslots ({@link MemslotTable}), QEMU's guest RAM mapping in /proc/PID/maps
 * ({@link QemuGuestRam}), or host virtual page numbers ({@link HostVirtualPages}).
 */
public interface GuestMemoryMap {
    /** Bytes per page; guest frames and host pages are both 4 KiB on x86-64. */
    int PAGE_SHIFT = 12;

    /** The host virtual address backing {@code gfn}, or -1 when the VM has no RAM there (MMIO, holes). */
    long hvaOf(long gfn);

    /** The guest RAM as {base gfn, pages} ranges in ascending gfn order, for walking all of it. */
    long[][] ranges();

    /** One line for logs and errors: where the map came from and what it covers. */
    String describe();
}
