package io.tierscope.workload.trace;

/**
 * The compact binary trace format ({@code .tst}), written by {@link BinaryTraceWriter} and read
 * by {@link BinaryTraceReader}.
 *
 * <pre>
 * file    := magic version record*
 * magic   := 'T' 'S' 'T' 'R'                      (4 bytes)
 * version := 0x01                                  (1 byte)
 * record  := control [vmref] delta
 * control := 1 byte: bits 0-2 xwr (bit0 r, bit1 w, bit2 x); bit 3 set = a vmref follows;
 *            bits 4-7 zero
 * vmref   := varint index, then, if index equals the number of VMs defined so far,
 *            varint length + that many UTF-8 bytes naming a new VM with that index
 * delta   := varint zigzag(gfn - previous gfn of the same VM); the previous gfn starts at 0
 * varint  := unsigned LEB128 (7 bits per byte, low group first, high bit = more)
 * </pre>
 * Records before the first vmref belong to VM index 0, which must then be defined by a vmref
 * on the first record. Delta coding per VM keeps sequential and local accesses at 2 bytes.
 */
public final class BinaryTrace {
    static final byte[] MAGIC = {'T', 'S', 'T', 'R'};
    static final int VERSION = 1;
    static final int XWR_MASK = 0x07;
    static final int VM_FOLLOWS = 0x08;

    private BinaryTrace() {
    }

    static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    static long unzigzag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }
}
