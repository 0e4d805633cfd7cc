package io.tierscope.streams.mrc;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Per-VM window bookkeeping of the MRC processor, kept apart from the (large) engine snapshot so
 * that the punctuator can scan every VM's open window cheaply.
 *
 * @param openStartMs   start of the window the VM's engine is filling, or {@link #NO_WINDOW}
 * @param emittedUpToMs end of the last window emitted ({@link Long#MIN_VALUE} before the first)
 * @param pendingLate   late batches since the last emitted window, reported with the next one
 */
public record MrcWindowState(long openStartMs, long emittedUpToMs, long pendingLate) {
    public static final long NO_WINDOW = Long.MIN_VALUE;
    public static final MrcWindowState NEW_VM = new MrcWindowState(NO_WINDOW, Long.MIN_VALUE, 0);
    private static final byte VERSION = 1;
    private static final int BYTES = 1 + 3 * Long.BYTES;

    public boolean open() {
        return openStartMs != NO_WINDOW;
    }

    public MrcWindowState opened(long startMs) {
        return new MrcWindowState(startMs, emittedUpToMs, pendingLate);
    }

    public MrcWindowState withLate() {
        return new MrcWindowState(openStartMs, emittedUpToMs, pendingLate + 1);
    }

    public MrcWindowState emitted(long windowEndMs) {
        return new MrcWindowState(NO_WINDOW, Math.max(emittedUpToMs, windowEndMs), 0);
    }

    /** 25 bytes: a version byte, then the three fields as big-endian longs. */
    public static Serde<MrcWindowState> serde() {
        Serializer<MrcWindowState> ser = (topic, s) -> s == null ? null
                : ByteBuffer.allocate(BYTES).put(VERSION).putLong(s.openStartMs).putLong(s.emittedUpToMs)
                        .putLong(s.pendingLate).array();
        Deserializer<MrcWindowState> de = (topic, b) -> {
            if (b == null) {
                return null;
            }
            if (b.length != BYTES || b[0] != VERSION) {
                throw new SerializationException("MRC window state: expected " + BYTES + " bytes of version " + VERSION
                        + ", got " + b.length + " bytes" + (b.length > 0 ? " of version " + b[0] : ""));
            }
            ByteBuffer buf = ByteBuffer.wrap(b, 1, BYTES - 1);
            return new MrcWindowState(buf.getLong(), buf.getLong(), buf.getLong());
        };
        return Serdes.serdeFrom(ser, de);
    }
}
