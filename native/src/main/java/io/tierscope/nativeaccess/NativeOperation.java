package io.tierscope.nativeaccess;

import static io.tierscope.nativeaccess.Errno.*;

/**
 * What the native layer was doing when a call failed. Each operation knows what a given errno
 * means for it and what the operator should do about it; the kvm-ept-sample meanings follow the
 * module's own sources (src/sampler.c, src/interact.c of zhou-yuxin/kvm-ept-sample).
 */
public enum NativeOperation {
    EPT_OPEN("open the kvm-ept-sample device"),
    EPT_INIT("attach kvm-ept-sample to the QEMU process (ioctl INIT)"),
    EPT_SET_PROT("set the sampled access types (ioctl SET_PROT)"),
    EPT_SET_FREQ("set the sampling frequency (ioctl SET_FREQ)"),
    EPT_GET_MEMSLOTS("read the guest memory slots (ioctl GET_MEMSLOTS)"),
    EPT_READ("read samples from the kvm-ept-sample device"),
    EPT_DEINIT("detach kvm-ept-sample (ioctl DEINIT)"),
    PAGEMAP_OPEN("open the process's pagemap"),
    PAGEMAP_READ("read the process's pagemap"),
    PAGE_IDLE_OPEN("open the idle page bitmap"),
    PAGE_IDLE_READ("read the idle page bitmap"),
    PAGE_IDLE_WRITE("mark pages idle in the idle page bitmap"),
    CLEAR_REFS_OPEN("open the process's clear_refs"),
    CLEAR_REFS_WRITE("clear the process's soft-dirty bits (clear_refs 4)"),
    MOVE_PAGES("move pages between NUMA nodes (move_pages(2))"),
    MMAP("map anonymous memory"),
    CLOSE("close a file descriptor");

    private final String action;

    NativeOperation(String action) {
        this.action = action;
    }

    /** What was being attempted, as a phrase: "open the kvm-ept-sample device". */
    public String action() {
        return action;
    }

    /** What to do about {@code errno} during this operation; never empty. */
    public String advice(int errno) {
        String specific = specificAdvice(errno);
        return specific != null ? specific : genericAdvice(errno);
    }

    private String specificAdvice(int errno) {
        switch (this) {
            case EPT_OPEN:
                if (errno == ENOENT || errno == ENODEV || errno == ENXIO) {
                    return "the kvm-ept-sample module is not loaded: load kvm-ept-sample: insmod kvm_ept_sample.ko"
                            + " (it needs a host kernel with the kvm-ept-sample patch, see its kernel_patch.md),"
                            + " or point the device path option at where the device lives";
                }
                if (errno == EACCES || errno == EPERM) {
                    return "the device is created with mode 0666; someone changed it: chmod 0666 /proc/kvm_ept_sample"
                            + " or run the collector as root";
                }
                return null;
            case EPT_INIT:
                switch (errno) {
                    case ESRCH: return "no process with that pid: the VM's QEMU process is gone or the pid is wrong;"
                            + " pass the pid of the running QEMU process";
                    case EINVAL: return "the process has no KVM VM, a vCPU is not initialised yet, or this device"
                            + " handle is already attached: pass a QEMU/KVM pid and retry once the guest is running";
                    case ENXIO: return "a vCPU of the VM is not created yet: retry once the guest has booted";
                    case EFAULT: return "the vCPUs of this VM use different EPT roots, which kvm-ept-sample cannot"
                            + " sample: use idle page tracking for this VM instead";
                    case EIO: return "another kvm-ept-sample reader is already attached to this VM: stop it first";
                    case ENOTTY: return "the path is not the kvm-ept-sample device: check the device path option";
                    default: return null;
                }
            case EPT_SET_PROT:
            case EPT_SET_FREQ:
            case EPT_GET_MEMSLOTS:
            case EPT_DEINIT:
                if (errno == EINVAL) {
                    return "the device handle is not attached to a VM (INIT must succeed first), or the module"
                            + " does not know the command: check the module version";
                }
                if (errno == ENOTTY) {
                    return "the path is not the kvm-ept-sample device: check the device path option";
                }
                if (errno == EIO || errno == EFAULT) {
                    return "the module could not copy the memslot request: this is a collector bug, report it";
                }
                return null;
            case EPT_READ:
                if (errno == EIO) {
                    return "the module could not copy samples to the read buffer: this is a collector bug, report it";
                }
                return null;
            case PAGEMAP_OPEN:
            case PAGEMAP_READ:
                if (errno == EACCES || errno == EPERM) {
                    return "reading another process's pagemap needs ptrace access to it (same user and"
                            + " kernel.yama.ptrace_scope permitting, or CAP_SYS_PTRACE); PFNs need CAP_SYS_ADMIN";
                }
                if (errno == ENOENT || errno == ESRCH) {
                    return "the process is gone (pid exited): restart the scan with the current pid";
                }
                return null;
            case PAGE_IDLE_OPEN:
            case PAGE_IDLE_READ:
            case PAGE_IDLE_WRITE:
                if (errno == ENOENT) {
                    return "the kernel has no idle page tracking: it needs CONFIG_IDLE_PAGE_TRACKING=y"
                            + " (then /sys/kernel/mm/page_idle/bitmap exists)";
                }
                if (errno == EACCES || errno == EPERM) {
                    return "the idle page bitmap is root-only (mode 0600): run the collector as root";
                }
                if (errno == ENXIO) {
                    return "a PFN lies beyond the last page frame of this machine: the pagemap entry was stale";
                }
                if (errno == EINVAL) {
                    return "idle bitmap I/O must be 8-byte aligned in offset and size: this is a collector bug";
                }
                return null;
            case CLEAR_REFS_OPEN:
            case CLEAR_REFS_WRITE:
                if (errno == EACCES || errno == EPERM) {
                    return "writing another process's clear_refs needs ptrace access to it (same user, or"
                            + " CAP_SYS_PTRACE)";
                }
                if (errno == ENOENT || errno == ESRCH) {
                    return "the process is gone (pid exited): restart the scan with the current pid";
                }
                if (errno == EINVAL) {
                    return "the kernel rejected the clear_refs value: soft-dirty needs CONFIG_MEM_SOFT_DIRTY=y";
                }
                return null;
            case MOVE_PAGES:
                switch (errno) {
                    // Since Linux 4.13 another process's pages need ptrace read access (move_pages(2) NOTES).
                    case EPERM: return "moving pages of another process needs ptrace access to it (same user and"
                            + " kernel.yama.ptrace_scope permitting, or CAP_SYS_PTRACE), and MPOL_MF_MOVE_ALL needs"
                            + " CAP_SYS_NICE: run the executor as root";
                    case ESRCH: return "the target process is gone (pid exited)";
                    case ENODEV: return "a target NUMA node is not online: check numactl --hardware";
                    case EACCES: return "a target node is not allowed by the process's cpuset: widen cpuset.mems";
                    case E2BIG: return "too many pages in one call: split the request";
                    case EINVAL: return "bad flags or a node out of range: check the node numbers and flags";
                    case ENOSYS: return "the kernel has no NUMA support (CONFIG_NUMA)";
                    default: return null;
                }
            default:
                return null;
        }
    }

    private static String genericAdvice(int errno) {
        switch (errno) {
            case ENOENT: return "the file does not exist: check the path";
            case EACCES: return "permission denied: run as root or fix the file's mode";
            case EPERM: return "operation not permitted: run as root or grant the capability this needs";
            case ESRCH: return "the process is gone";
            case EINTR: return "interrupted by a signal: retry";
            case EAGAIN: return "temporarily unavailable: retry";
            case ENOMEM: return "the kernel is out of memory";
            case EBADF: return "the file descriptor is closed: this is a collector bug";
            default: return "unexpected error: check the kernel log (dmesg) for details";
        }
    }
}
