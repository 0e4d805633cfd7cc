package io.tierscope.nativeaccess;

import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Structure.FieldOrder;

/**
 * The user-space ABI of the kvm-ept-sample module (zhou-yuxin/kvm-ept-sample,
 * demo/include/kvm_ept_sample.h): ioctl commands are plain ints, arguments of INIT, SET_PROT and
 * SET_FREQ go by value, GET_MEMSLOTS takes a pointer to {@link GetMemslots}.
 */
public final class EptSampleAbi {
    public static final String DEFAULT_DEVICE = "/proc/kvm_ept_sample";

    public static final int CMD_INIT = 1200;
    public static final int CMD_SET_PROT = 1201;
    public static final int CMD_SET_FREQ = 1202;
    public static final int CMD_GET_MEMSLOTS = 1203;
    public static final int CMD_DEINIT = 1204;

    /** xwr bits of SET_PROT and of every sample. */
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int PROT_EXEC = 4;

    /** Bytes per sample: {@code struct { uint32_t gfn:29; uint32_t xwr:3; }}. */
    public static final int SAMPLE_BYTES = 4;
    /** Samples the module buffers per open device before it drops silently (INTERACT_MAX_BUFFERED_SAMPLES). */
    public static final int KERNEL_QUEUE_SAMPLES = 65536;

    private EptSampleAbi() {
    }

    /** {@code struct kvm_ept_sample_memslot { uint64_t gpa; uint64_t hva; size_t page_count; }}. */
    @FieldOrder({"gpa", "hva", "pageCount"})
    public static class Memslot extends Structure {
        public long gpa;
        public long hva;
        public SizeT pageCount = new SizeT();

        public Memslot() {
        }

        public Memslot(Pointer p) {
            super(p);
        }

        /** Byte offset of a field, to check the layout against the C compiler's. */
        public int offsetOf(String field) {
            return fieldOffset(field);
        }
    }

    /** {@code struct kvm_ept_sample_get_memslots { memslot* memslots; size_t capacity; size_t count; }}. */
    @FieldOrder({"memslots", "capacity", "count"})
    public static class GetMemslots extends Structure {
        public Pointer memslots;
        public SizeT capacity = new SizeT();
        /** Out: the VM's slot count, which may exceed {@link #capacity}. */
        public SizeT count = new SizeT();

        public int offsetOf(String field) {
            return fieldOffset(field);
        }
    }
}
