package io.tierscope.streams.window;

import java.nio.ByteBuffer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Per-VM bookkeeping of a windowed processor: the end of the last window it emitted, and late
 * records seen since, to be reported with the next window instead of being dropped silently.
 */
public record VmWindowProgress(long emittedUpToMs, long pendingLate) {
    public static final VmWindowProgress NONE = new VmWindowProgress(Long.MIN_VALUE, 0);

    public VmWindowProgress withLate() {
        return new VmWindowProgress(emittedUpToMs, pendingLate + 1);
    }

    public VmWindowProgress emitted(long windowEndMs) {
        return new VmWindowProgress(Math.max(emittedUpToMs, windowEndMs), 0);
    }

    /** 16 bytes: two big-endian longs. */
    public static Serde<VmWindowProgress> serde() {
        Serializer<VmWindowProgress> ser = (topic, p) -> p == null ? null
                : ByteBuffer.allocate(16).putLong(p.emittedUpToMs).putLong(p.pendingLate).array();
        Deserializer<VmWindowProgress> de = (topic, b) -> {
            if (b == null) {
                return null;
            }
            ByteBuffer buf = ByteBuffer.wrap(b);
            return new VmWindowProgress(buf.getLong(), buf.getLong());
        };
        return Serdes.serdeFrom(ser, de);
    }
}
