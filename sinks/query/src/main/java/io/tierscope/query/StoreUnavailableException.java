package io.tierscope.query;

/**
 * A store cannot answer now (the instance is starting, restoring or rebalancing, or the key's
 * owner is unknown or unreachable): the API answers 503 with Retry-After.
 */
public final class StoreUnavailableException extends RuntimeException {
    public StoreUnavailableException(String message) {
        super(message);
    }

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
