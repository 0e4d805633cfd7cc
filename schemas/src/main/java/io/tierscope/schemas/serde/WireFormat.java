package io.tierscope.schemas.serde;

/**
 * The Confluent wire format every value on Tierscope's topics uses: byte 0 is the magic byte
 * 0, bytes 1-4 the big-endian int32 schema id in the registry, then the Avro binary encoding.
 */
public final class WireFormat {
    public static final byte MAGIC_BYTE = 0;
    public static final int HEADER_BYTES = 5;

    private WireFormat() {
    }
}
