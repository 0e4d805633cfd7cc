package io.tierscope.planner.topology;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * One input on its way to the host that plans with it, on the planner's internal topics and in its
 * stores: what it is, the key it had on its own topic (e.g. "vm-3#17"), and its value bytes exactly
 * as they were there (Confluent wire format, decoded only by the host stage; null = tombstone).
 * Carrying the bytes as they are keeps heat chunks compact and the internal topics schema-free.
 */
public record HostInput(Kind kind, String sourceKey, byte[] value) {
    public enum Kind {
        /** The VM lives on the host named in the value (UTF-8); from the inventory. */
        HOME,
        /** A host's inventory (HostInventory), key host. */
        INVENTORY,
        /** A VM's latest miss-ratio curve (MissRatioCurve), key vmId. */
        MRC,
        /** Heat states of one chunk (PageHeatChunk), key vmId#chunk. */
        HEAT,
        /** Nodes of one chunk's pages (PagePlacement), key vmId#chunk. */
        PLACEMENT
    }

    public static HostInput home(String vmId, String host) {
        return new HostInput(Kind.HOME, vmId, host.getBytes(StandardCharsets.UTF_8));
    }

    public String homeHost() {
        return new String(value, StandardCharsets.UTF_8);
    }

    public boolean tombstone() {
        return value == null;
    }

    /** The VM an input keyed "vmId" or "vmId#chunk" belongs to. */
    public String vmId() {
        if (kind == Kind.HEAT || kind == Kind.PLACEMENT) {
            int hash = sourceKey.lastIndexOf('#');
            return hash < 0 ? sourceKey : sourceKey.substring(0, hash);
        }
        return sourceKey;
    }

    /** The chunk of a chunk input, or -1 (also for a key that names none). */
    public long chunkIndex() {
        if (kind != Kind.HEAT && kind != Kind.PLACEMENT) {
            return -1;
        }
        int hash = sourceKey.lastIndexOf('#');
        try {
            return hash < 0 ? -1 : Long.parseLong(sourceKey.substring(hash + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Layout: kind (1 byte), key length (int) and UTF-8 key, value length (int, -1 = null) and value. */
    public static Serde<HostInput> serde() {
        Serializer<HostInput> ser = (topic, in) -> {
            if (in == null) {
                return null;
            }
            byte[] key = in.sourceKey.getBytes(StandardCharsets.UTF_8);
            int valueLength = in.value == null ? 0 : in.value.length;
            ByteBuffer b = ByteBuffer.allocate(1 + 4 + key.length + 4 + valueLength);
            b.put((byte) in.kind.ordinal()).putInt(key.length).put(key).putInt(in.value == null ? -1 : in.value.length);
            if (in.value != null) {
                b.put(in.value);
            }
            return b.array();
        };
        Deserializer<HostInput> de = (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            try {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                Kind kind = Kind.values()[b.get()];
                byte[] key = new byte[b.getInt()];
                b.get(key);
                int n = b.getInt();
                byte[] value = null;
                if (n >= 0) {
                    value = new byte[n];
                    b.get(value);
                }
                return new HostInput(kind, new String(key, StandardCharsets.UTF_8), value);
            } catch (RuntimeException e) {
                throw new SerializationException("not a planner input record (" + bytes.length + " bytes)", e);
            }
        };
        return Serdes.serdeFrom(ser, de);
    }
}
