package io.tierscope.streams.heat;

/**
 * Keys of heat chunks. The store key zero-pads the chunk index so that one VM's chunks are
 * adjacent and in gfn order, and a prefix scan over {@link #storePrefix} finds exactly them
 * ("vm-1#" is not a prefix of "vm-10#..."). The PAGE_HEAT topic key is the plain
 * "vmId#chunkIndex" its schema documents.
 */
public final class ChunkKeys {
    private static final char SEPARATOR = '#';

    private ChunkKeys() {
    }

    public static String storeKey(String vmId, long chunkIndex) {
        return storePrefix(vmId) + String.format("%012d", chunkIndex);
    }

    public static String storePrefix(String vmId) {
        return vmId + SEPARATOR;
    }

    public static String topicKey(String vmId, long chunkIndex) {
        return vmId + SEPARATOR + chunkIndex;
    }
}
