package io.tierscope.streams.registry;

/**
 * The schema registry could not be reached and the app is shutting down, so the stream thread stops
 * waiting for it. The record it held is not processed and not committed: it is read again on restart.
 * Never dead-lettered.
 */
public final class RegistryUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
