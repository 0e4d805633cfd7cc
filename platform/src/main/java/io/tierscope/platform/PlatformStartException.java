package io.tierscope.platform;

/** The embedded broker or registry could not be started; the message says why (with the log tail). */
public class PlatformStartException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PlatformStartException(String message) {
        super(message);
    }

    public PlatformStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
