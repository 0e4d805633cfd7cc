package io.tierscope.analytics.heat;

/** A scan or sample bitmap that does not fit the pages it claims to cover; dead-letter the input. */
public final class InvalidBitmapException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public InvalidBitmapException(String message) {
        super(message);
    }
}
