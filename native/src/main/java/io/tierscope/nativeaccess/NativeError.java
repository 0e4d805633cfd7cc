package io.tierscope.nativeaccess;

import com.sun.jna.LastErrorException;

/** Turns errno from a failed {@link LibC} call into a {@link NativeIOException} that says what to do. */
public final class NativeError {
    private NativeError() {
    }

    /** The exception for {@code errno} during {@code operation} on {@code target}. */
    public static NativeIOException of(LibC libc, NativeOperation operation, String target, int errno) {
        return new NativeIOException(operation, target, errno, strerror(libc, errno));
    }

    /** The exception for a {@link LastErrorException} thrown by {@code libc}. */
    public static NativeIOException of(LibC libc, NativeOperation operation, String target, LastErrorException e) {
        NativeIOException wrapped = of(libc, operation, target, e.getErrorCode());
        wrapped.initCause(e);
        return wrapped;
    }

    private static String strerror(LibC libc, int errno) {
        return libc.strerror(errno);
    }
}
