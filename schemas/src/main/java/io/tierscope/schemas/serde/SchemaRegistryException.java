package io.tierscope.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/** A schema registry call failed; the message says which registry, which call and what to do. */
public class SchemaRegistryException extends SerializationException {
    private static final long serialVersionUID = 1L;
    private final int httpStatus;

    public SchemaRegistryException(String message, int httpStatus, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
    }

    /** The HTTP status the registry answered, or 0 when it could not be reached. */
    public int httpStatus() {
        return httpStatus;
    }
}
