package io.tierscope.nativeaccess;

import java.io.IOException;

/**
 * A failed native call: which operation, on what, which errno, and what to do about it.
 * Message shape: {@code "cannot <action> (<target>): <ERRNO> (<strerror>) - <advice>"}.
 */
public final class NativeIOException extends IOException {
    private static final long serialVersionUID = 1L;

    private final NativeOperation operation;
    private final String target;
    private final int errno;

    public NativeIOException(NativeOperation operation, String target, int errno, String strerror) {
        super("cannot " + operation.action() + " (" + target + "): " + Errno.name(errno)
                + (strerror == null || strerror.isEmpty() ? "" : " (" + strerror + ")")
                + " - " + operation.advice(errno));
        this.operation = operation;
        this.target = target;
        this.errno = errno;
    }

    public NativeOperation operation() {
        return operation;
    }

    public String target() {
        return target;
    }

    public int errno() {
        return errno;
    }

    public String errnoName() {
        return Errno.name(errno);
    }
}
