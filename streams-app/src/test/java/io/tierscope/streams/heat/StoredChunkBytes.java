package io.tierscope.streams.heat;

/** Test access to a stored chunk's serialized size, for tests outside this package that weigh state stores. */
public final class StoredChunkBytes {
    private StoredChunkBytes() {
    }

    /** The bytes {@code value} takes in the chunk store if it is a stored chunk, else -1. */
    public static long of(Object value) {
        return value instanceof StoredChunk chunk ? chunk.toBytes().length : -1;
    }
}
