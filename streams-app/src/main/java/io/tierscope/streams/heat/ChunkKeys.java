package io.tierscope.streams.heat;

/**
 * Keys of heat chunks. The store key is "{length of vmId}:{vmId}#{chunk index, zero-padded}": one
 * VM's chunks are adjacent and in gfn order, and a prefix scan over {@link #storePrefix} finds
 * exactly them whatever characters VM ids hold ("vm-1#" would also match VM "vm-1#2"'s keys; the
 * length makes the prefix unique). The PAGE_HEAT topic key is the plain "vmId#chunkIndex" its
 * schema documents; readers check the record's vmId.
 */
public final class ChunkKeys {
    private ChunkKeys() {
    }

    public static String storeKey(String vmId, long chunkIndex) {
        return storePrefix(vmId) + String.format("%012d", chunkIndex);
    }

    public static String storePrefix(String vmId) {
        return vmId.length() + ":" + vmId + '#';
    }

    /** The chunk index in a key made by {@link #storeKey}. */
    public static long chunkIndexOf(String vmId, String storeKey) {
        return Long.parseLong(storeKey.substring(storePrefix(vmId).length()));
    }

    public static String topicKey(String vmId, long chunkIndex) {
        return topicPrefix(vmId) + chunkIndex;
    }

    /** Prefix of the VM's PAGE_HEAT keys; also matches VMs whose id continues with '#'. */
    public static String topicPrefix(String vmId) {
        return vmId + '#';
    }
}
