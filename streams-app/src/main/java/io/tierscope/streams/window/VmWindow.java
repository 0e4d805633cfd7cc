package io.tierscope.streams.window;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * One VM's place in its event-time windows, kept per VM by every windowed processor (MRC, heat,
 * ingest stats) in a store with {@link #serde()}: the window it is filling (a VM has at most one
 * open window per processor: its input is one sequence), the end of the last window emitted, its
 * newest event time, and the counts reported with the next emitted window.
 *
 * @param openStartMs     start of the open window, or {@link #NO_WINDOW}
 * @param emittedUpToMs   end of the last window emitted ({@link Long#MIN_VALUE} before the first)
 * @param lastEventTimeMs newest event time of the VM's input, also of input ignored as duplicate
 *                        ({@link Long#MIN_VALUE} before any)
 * @param late            inputs of a window already left behind, since the last emitted window
 * @param applied         inputs that changed the VM's state in the open window (heat: scans applied)
 * @param ignored         inputs ignored as duplicates or stale in the open window
 * @param missedPeriods   largest gap in periods that an input of the open window bridged
 */
public record VmWindow(long openStartMs, long emittedUpToMs, long lastEventTimeMs, long late, long applied,
                       long ignored, long missedPeriods) {
    public static final long NO_WINDOW = Long.MIN_VALUE;
    public static final VmWindow NEW_VM = new VmWindow(NO_WINDOW, Long.MIN_VALUE, Long.MIN_VALUE, 0, 0, 0, 0);

    public boolean open() {
        return openStartMs != NO_WINDOW;
    }

    /** Whether input of the window starting at {@code startMs} must first close the open one (it is newer). */
    public boolean closesOpenWindow(long startMs) {
        return open() && startMs > openStartMs;
    }

    /** Whether input of the window starting at {@code startMs} is late: before the open window, or in one emitted. */
    public boolean isLate(TumblingWindows windows, long startMs) {
        return open() ? startMs < openStartMs : windows.endOf(startMs) <= emittedUpToMs;
    }

    public VmWindow seen(long eventTimeMs) {
        return new VmWindow(openStartMs, emittedUpToMs, Math.max(lastEventTimeMs, eventTimeMs), late, applied, ignored,
                missedPeriods);
    }

    public VmWindow opened(long startMs) {
        return new VmWindow(startMs, emittedUpToMs, lastEventTimeMs, late, applied, ignored, missedPeriods);
    }

    /** One more input counted late, without being applied or ignored. */
    public VmWindow withLate() {
        return new VmWindow(openStartMs, emittedUpToMs, lastEventTimeMs, late + 1, applied, ignored, missedPeriods);
    }

    /** One input that was applied (or else ignored), late or not, after a gap of {@code missed} periods. */
    public VmWindow counted(boolean wasApplied, boolean wasLate, long missed) {
        return new VmWindow(openStartMs, emittedUpToMs, lastEventTimeMs, late + (wasLate ? 1 : 0),
                applied + (wasApplied ? 1 : 0), ignored + (wasApplied ? 0 : 1), Math.max(missedPeriods, missed));
    }

    /** After a window ending at {@code windowEndMs} was emitted: none is open, the counts start again. */
    public VmWindow emitted(long windowEndMs) {
        return new VmWindow(NO_WINDOW, Math.max(emittedUpToMs, windowEndMs), lastEventTimeMs, 0, 0, 0, 0);
    }

    public static Serde<VmWindow> serde() {
        return Serdes.serdeFrom(Codec.SERIALIZER, Codec.DESERIALIZER);
    }

    /**
     * Version 2: a version byte, then the seven fields as big-endian longs (57 bytes). It also reads
     * what the release before it wrote, each told apart by its length: the MRC window state
     * (version 1, 25 bytes), the heat VM progress (56 bytes) and the ingest progress (16 bytes).
     */
    static final class Codec {
        static final byte VERSION = 2;
        static final int BYTES = 1 + 7 * Long.BYTES;
        private static final int MRC_V1_BYTES = 1 + 3 * Long.BYTES;
        private static final int HEAT_PROGRESS_BYTES = 7 * Long.BYTES;
        private static final int INGEST_PROGRESS_BYTES = 2 * Long.BYTES;

        static final Serializer<VmWindow> SERIALIZER = (topic, w) -> w == null ? null
                : ByteBuffer.allocate(BYTES).put(VERSION).putLong(w.openStartMs).putLong(w.emittedUpToMs)
                        .putLong(w.lastEventTimeMs).putLong(w.late).putLong(w.applied).putLong(w.ignored)
                        .putLong(w.missedPeriods).array();

        static final Deserializer<VmWindow> DESERIALIZER = (topic, b) -> b == null ? null : decode(b);

        private Codec() {
        }

        static VmWindow decode(byte[] b) {
            ByteBuffer in = ByteBuffer.wrap(b);
            if (b.length == BYTES && b[0] == VERSION) {
                in.get();
                return new VmWindow(in.getLong(), in.getLong(), in.getLong(), in.getLong(), in.getLong(), in.getLong(),
                        in.getLong());
            }
            if (b.length == MRC_V1_BYTES && b[0] == 1) {
                in.get();
                return new VmWindow(in.getLong(), in.getLong(), Long.MIN_VALUE, in.getLong(), 0, 0, 0);
            }
            if (b.length == HEAT_PROGRESS_BYTES) {
                // The heat progress kept the start of the last window after summarising it.
                long openStart = in.getLong();
                long summarizedUpTo = in.getLong();
                boolean open = openStart != NO_WINDOW && summarizedUpTo <= openStart;
                long lastEvent = in.getLong();
                long applied = in.getLong();
                long ignored = in.getLong();
                long late = in.getLong();
                return new VmWindow(open ? openStart : NO_WINDOW, summarizedUpTo, lastEvent, late, applied, ignored,
                        in.getLong());
            }
            if (b.length == INGEST_PROGRESS_BYTES) {
                return new VmWindow(NO_WINDOW, in.getLong(), Long.MIN_VALUE, in.getLong(), 0, 0, 0);
            }
            throw new SerializationException("VM window state: expected " + BYTES + " bytes of version " + VERSION
                    + " (or a previous release's 25, 56 or 16 bytes), got " + b.length + " bytes"
                    + (b.length > 0 ? " starting with " + b[0] : ""));
        }
    }
}
