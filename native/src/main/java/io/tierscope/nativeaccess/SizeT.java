package io.tierscope.nativeaccess;

import com.sun.jna.IntegerType;
import com.sun.jna.Native;

/** C {@code size_t}: unsigned, as wide as the platform says (8 bytes on x86-64). */
public final class SizeT extends IntegerType {
    private static final long serialVersionUID = 1L;

    public SizeT() {
        this(0);
    }

    public SizeT(long value) {
        super(Native.SIZE_T_SIZE, value, true);
    }
}
