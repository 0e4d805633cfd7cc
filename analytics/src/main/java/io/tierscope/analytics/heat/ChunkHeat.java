package io.tierscope.analytics.heat;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Heat states of one gfn chunk of one VM: one state byte per page for the A bit and, once a
 * dirty bitmap has been seen, one per page for the D bit (separate FSMs, US 9,063,866 B1).
 * A scan is applied to the whole chunk at once by table lookups over the packed states and the
 * scan's bitmap; runs of 8 idle pages with an all-zero bitmap byte (and 8 busy pages with an
 * all-ones byte) are skipped with one 64-bit compare, which is most of a real guest's memory.
 *
 * <p>Scans are idempotent by sequence number: a repeated sequence is a {@link ScanStatus#DUPLICATE},
 * an older one {@link ScanStatus#STALE}; neither changes anything. Skipped sequences are handled by
 * the {@link GapPolicy}. Not thread-safe (one stream task owns a chunk).
 */
public final class ChunkHeat {
    /** {@link #lastScanSeq()} before the first scan. */
    public static final long NO_SCAN = -1;

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final byte SNAPSHOT_VERSION = 1;
    private static final long BYTE_LANES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long EVEN_BYTES = 0x00FF00FF00FF00FFL;
    private static final long EVEN_SHORTS = 0x0000FFFF0000FFFFL;
    private static final long LOW_NIBBLES = 0x000F000F000F000FL;
    private static final long HIGH_NIBBLES = 0x00F000F000F000F0L;

    private final HeatTable table;
    private final GapPolicy gapPolicy;
    private final long baseGfn;
    private int pageCount;
    private byte[] access;
    private byte[] write;
    private long lastScanSeq = NO_SCAN;

    /** A chunk of {@code pageCount} pages from {@code baseGfn}, all idle, no scan applied yet. */
    public ChunkHeat(HeatTable table, GapPolicy gapPolicy, long baseGfn, int pageCount) {
        this.table = Objects.requireNonNull(table, "table");
        this.gapPolicy = Objects.requireNonNull(gapPolicy, "gapPolicy");
        if (baseGfn < 0) {
            throw new IllegalArgumentException("baseGfn must be >= 0, got " + baseGfn);
        }
        if (pageCount < 0) {
            throw new IllegalArgumentException("pageCount must be >= 0, got " + pageCount);
        }
        this.baseGfn = baseGfn;
        this.pageCount = pageCount;
        this.access = idleStates(pageCount);
    }

    /**
     * Rebuilds a chunk from per-page states as published in {@code PageHeatChunk}
     * (accessStates, writeStates or null). The arrays are copied.
     *
     * @throws IllegalArgumentException when the arrays differ in length or hold a code the table lacks
     */
    public static ChunkHeat fromStates(HeatTable table, GapPolicy gapPolicy, long baseGfn, long lastScanSeq,
                                       byte[] accessStates, byte[] writeStates) {
        ChunkHeat chunk = new ChunkHeat(table, gapPolicy, baseGfn, accessStates.length);
        checkStates(table, accessStates, "accessStates");
        chunk.access = accessStates.clone();
        if (writeStates != null) {
            if (writeStates.length != accessStates.length) {
                throw new IllegalArgumentException("writeStates has " + writeStates.length
                        + " pages but accessStates has " + accessStates.length);
            }
            checkStates(table, writeStates, "writeStates");
            chunk.write = writeStates.clone();
        }
        if (lastScanSeq < NO_SCAN) {
            throw new IllegalArgumentException("lastScanSeq must be >= " + NO_SCAN + ", got " + lastScanSeq);
        }
        chunk.lastScanSeq = lastScanSeq;
        return chunk;
    }

    private static void checkStates(HeatTable table, byte[] states, String what) {
        int from = 0;
        int stateCount = table.stateCount();
        if (stateCount <= 128) {
            // 8 states at a time: a lane's high bit is set when it is >= 128 or, added to 128 - stateCount,
            // reaches 128 (no carry crosses lanes: 127 + 127 < 256). Any hit: the loop below names it.
            long below = BYTE_LANES * (0x80 - stateCount);
            for (; from + 8 <= states.length; from += 8) {
                long lanes = (long) LONGS.get(states, from);
                if (((((lanes & ~HIGH_BITS) + below) | lanes) & HIGH_BITS) != 0) {
                    break;
                }
            }
        }
        for (int i = from; i < states.length; i++) {
            if ((states[i] & 0xFF) >= table.stateCount()) {
                throw new IllegalArgumentException(what + "[" + i + "] = " + (states[i] & 0xFF)
                        + " is not a state of classifier " + table.name() + " (0.." + (table.stateCount() - 1) + ")");
            }
        }
    }

    private byte[] idleStates(int pages) {
        byte[] states = new byte[pages];
        if (table.idleState() != 0) {
            Arrays.fill(states, table.idleState());
        }
        return states;
    }

    /**
     * Applies one scan period.
     *
     * @param scanSeq  the scan's sequence number (>= 0), one per period
     * @param accessed A bitmap in the {@link HeatBitmaps} layout for exactly {@link #pageCount()} pages
     * @param dirty    D bitmap in the same layout, or null when the source reads no D bits (the
     *                 write states then stay as they are for this period)
     * @throws InvalidBitmapException when a new scan's bitmap does not match the page count (nothing
     *                                changes); duplicates and stale scans are not inspected
     */
    public ScanOutcome apply(long scanSeq, byte[] accessed, byte[] dirty) {
        return apply(scanSeq, lastScanSeq == NO_SCAN ? 0 : scanSeq - lastScanSeq - 1, accessed, dirty);
    }

    /**
     * Applies one scan period whose gap to the last applied one the caller knows better than the
     * sequence numbers do (scans of two collector runs, whose numbers do not count periods).
     *
     * @param missedPeriods periods lost since the last applied scan (>= 0; ignored for a duplicate
     *                      or stale scan, which is recognised by sequence as in {@link #apply(long, byte[], byte[])})
     */
    public ScanOutcome apply(long scanSeq, long missedPeriods, byte[] accessed, byte[] dirty) {
        if (scanSeq < 0) {
            throw new IllegalArgumentException("scanSeq must be >= 0, got " + scanSeq);
        }
        // Sequence first: a late copy of a scan from before a resize is stale, not malformed.
        if (lastScanSeq != NO_SCAN && scanSeq == lastScanSeq) {
            return ScanOutcome.ignored(ScanStatus.DUPLICATE);
        }
        if (lastScanSeq != NO_SCAN && scanSeq < lastScanSeq) {
            return ScanOutcome.ignored(ScanStatus.STALE);
        }
        if (!HeatBitmaps.isValid(accessed, pageCount)) {
            HeatBitmaps.requireValid("accessed bitmap of chunk at gfn " + baseGfn + " (scan " + scanSeq + ")", accessed, pageCount);
        }
        if (dirty != null && !HeatBitmaps.isValid(dirty, pageCount)) {
            HeatBitmaps.requireValid("dirty bitmap of chunk at gfn " + baseGfn + " (scan " + scanSeq + ")", dirty, pageCount);
        }
        if (missedPeriods < 0) {
            throw new IllegalArgumentException("missedPeriods must be >= 0, got " + missedPeriods);
        }
        long missed = lastScanSeq == NO_SCAN ? 0 : missedPeriods;
        int idleSteps = gapPolicy == GapPolicy.IDLE ? (int) Math.min(missed, table.idleDepth()) : 0;

        GfnBuffer accessHot = new GfnBuffer();
        GfnBuffer accessCold = new GfnBuffer();
        for (int i = 0; i < idleSteps; i++) {
            step(access, null, accessHot, accessCold);
        }
        step(access, accessed, accessHot, accessCold);

        HeatChanges writeChanges = HeatChanges.NONE;
        if (dirty != null) {
            GfnBuffer writeHot = new GfnBuffer();
            GfnBuffer writeCold = new GfnBuffer();
            if (write == null) {
                write = idleStates(pageCount);
            } else {
                for (int i = 0; i < idleSteps; i++) {
                    step(write, null, writeHot, writeCold);
                }
            }
            step(write, dirty, writeHot, writeCold);
            writeChanges = new HeatChanges(writeHot.toArray(), writeCold.toArray());
        }
        lastScanSeq = scanSeq;
        return new ScanOutcome(ScanStatus.APPLIED, missed, idleSteps,
                new HeatChanges(accessHot.toArray(), accessCold.toArray()), writeChanges);
    }

    /** One period over all pages; {@code bitmap == null} means an idle period. */
    private void step(byte[] states, byte[] bitmap, GfnBuffer hot, GfnBuffer cold) {
        int fullBytes = pageCount >>> 3;
        switch (table.kernel()) {
            case FSM5_SWAR:
                stepSwar(states, bitmap, fullBytes, false, hot, cold);
                break;
            case FSM5_CONSERVATIVE_SWAR:
                stepSwar(states, bitmap, fullBytes, true, hot, cold);
                break;
            default:
                stepLookup(states, bitmap, fullBytes, hot, cold);
                break;
        }
        // The last pageCount % 8 pages, one at a time.
        byte[] next = table.nextArray();
        byte[] event = table.eventArray();
        for (int p = fullBytes << 3; p < pageCount; p++) {
            int bit = bitmap == null ? 0 : (bitmap[p >>> 3] >>> (p & 7)) & 1;
            int idx = ((states[p] & 0xFF) << 1) | bit;
            states[p] = next[idx];
            byte ev = event[idx];
            if (ev != HeatTable.NO_EVENT) {
                record(ev, p, hot, cold);
            }
        }
    }

    /** Table lookups, 8 pages per bitmap byte, skipping settled runs of 8 idle or busy pages. */
    private void stepLookup(byte[] states, byte[] bitmap, int fullBytes, GfnBuffer hot, GfnBuffer cold) {
        byte[] next = table.nextArray();
        byte[] event = table.eventArray();
        long idle8 = BYTE_LANES * (table.idleState() & 0xFF);
        int busy = table.busyState();
        long busy8 = busy < 0 ? -1 : BYTE_LANES * busy;
        for (int j = 0; j < fullBytes; j++) {
            int bits = bitmap == null ? 0 : bitmap[j] & 0xFF;
            int base = j << 3;
            if (bits == 0 || bits == 0xFF) {
                long lanes = (long) LONGS.get(states, base);
                if (bits == 0 ? lanes == idle8 : lanes == busy8) {
                    continue;
                }
            }
            for (int k = 0; k < 8; k++) {
                int p = base + k;
                int idx = ((states[p] & 0xFF) << 1) | ((bits >>> k) & 1);
                states[p] = next[idx];
                byte ev = event[idx];
                if (ev != HeatTable.NO_EVENT) {
                    record(ev, p, hot, cold);
                }
            }
        }
    }

    /** The 5-state FSMs on 8 pages per step as bit-sliced logic ({@link Fsm5Swar}). */
    private void stepSwar(byte[] states, byte[] bitmap, int fullBytes, boolean conservative,
                          GfnBuffer hot, GfnBuffer cold) {
        long sizzle8 = BYTE_LANES * HeatState.SIZZLE;
        for (int j = 0; j < fullBytes; j++) {
            int bits = bitmap == null ? 0 : bitmap[j] & 0xFF;
            int base = j << 3;
            long lanes = (long) LONGS.get(states, base);
            if ((bits == 0 && lanes == 0) || (bits == 0xFF && lanes == sizzle8)) {
                continue;
            }
            long updated = Fsm5Swar.next(lanes, Fsm5Swar.spread(bits), conservative);
            LONGS.set(states, base, updated);
            long becameCold = Fsm5Swar.cold(updated) & ~Fsm5Swar.cold(lanes);
            long becameHot = Fsm5Swar.hot(updated) & ~Fsm5Swar.hot(lanes);
            if ((becameCold | becameHot) != 0) {
                recordLanes(becameHot, base, hot);
                recordLanes(becameCold, base, cold);
            }
        }
    }

    /** Appends the gfns of the lanes flagged in {@code laneBits} (bit 0 of each lane), ascending. */
    private void recordLanes(long laneBits, int base, GfnBuffer out) {
        while (laneBits != 0) {
            int lane = Long.numberOfTrailingZeros(laneBits) >>> 3;
            laneBits &= laneBits - 1;
            out.add(baseGfn + base + lane);
        }
    }

    private void record(byte event, int page, GfnBuffer hot, GfnBuffer cold) {
        (event == HeatTable.BECAME_HOT ? hot : cold).add(baseGfn + page);
    }

    /**
     * Grows or shrinks the chunk when the VM's memory changes: new pages start idle (frigid, no
     * evidence of use yet), pages past the new end are dropped with their state.
     */
    public void resize(int newPageCount) {
        if (newPageCount < 0) {
            throw new IllegalArgumentException("pageCount must be >= 0, got " + newPageCount);
        }
        access = resized(access, newPageCount);
        if (write != null) {
            write = resized(write, newPageCount);
        }
        pageCount = newPageCount;
    }

    private byte[] resized(byte[] states, int newPageCount) {
        byte[] out = Arrays.copyOf(states, newPageCount);
        if (newPageCount > states.length && table.idleState() != 0) {
            Arrays.fill(out, states.length, newPageCount, table.idleState());
        }
        return out;
    }

    public HeatTable table() {
        return table;
    }

    public GapPolicy gapPolicy() {
        return gapPolicy;
    }

    public long baseGfn() {
        return baseGfn;
    }

    public int pageCount() {
        return pageCount;
    }

    /** Sequence of the last applied scan, or {@link #NO_SCAN}. */
    public long lastScanSeq() {
        return lastScanSeq;
    }

    /** Whether any dirty bitmap has been applied (write states exist). */
    public boolean hasWriteStates() {
        return write != null;
    }

    /** State of page {@code page} (0-based within the chunk) for the given bit; idle when no D data. */
    public int state(HeatBit bit, int page) {
        Objects.checkIndex(page, pageCount);
        byte[] states = states(bit);
        return states == null ? table.idleState() : states[page] & 0xFF;
    }

    /** Copy of the A-bit states, one byte per page ({@code PageHeatChunk.accessStates}). */
    public byte[] accessStates() {
        return access.clone();
    }

    /** Copy of the D-bit states, or null when no dirty bitmap was seen ({@code PageHeatChunk.writeStates}). */
    public byte[] writeStates() {
        return write == null ? null : write.clone();
    }

    /** Pages per state code for the given bit (all idle when no D data). */
    public int[] stateCounts(HeatBit bit) {
        int[] counts = new int[table.stateCount()];
        byte[] states = states(bit);
        if (states == null) {
            counts[table.idleState()] = pageCount;
            return counts;
        }
        for (byte s : states) {
            counts[s & 0xFF]++;
        }
        return counts;
    }

    /** Pages in the hot class for the given bit. */
    public int hotPages(HeatBit bit) {
        int[] counts = stateCounts(bit);
        int n = 0;
        for (int s = 0; s < counts.length; s++) {
            n += table.isHot(s) ? counts[s] : 0;
        }
        return n;
    }

    /** Pages in the cold class for the given bit. */
    public int coldPages(HeatBit bit) {
        int[] counts = stateCounts(bit);
        int n = 0;
        for (int s = 0; s < counts.length; s++) {
            n += table.isCold(s) ? counts[s] : 0;
        }
        return n;
    }

    /** Live states for {@link HeatOrder}; null for DIRTY before any dirty bitmap. */
    byte[] states(HeatBit bit) {
        return bit == HeatBit.ACCESSED ? access : write;
    }

    /**
     * Compact bytes for a state store: version, classifier name, baseGfn, pageCount, lastScanSeq,
     * then the states, two pages per byte when the classifier has at most 16 states.
     */
    public byte[] snapshot() {
        byte[] name = table.name().getBytes(StandardCharsets.UTF_8);
        int stateBytes = packedLength(pageCount);
        ByteBuffer out = ByteBuffer.allocate(1 + 1 + name.length + 8 + 4 + 8 + 1 + stateBytes * (write == null ? 1 : 2));
        out.put(SNAPSHOT_VERSION).put((byte) name.length).put(name)
                .putLong(baseGfn).putInt(pageCount).putLong(lastScanSeq).put((byte) (write == null ? 0 : 1));
        pack(access, out);
        if (write != null) {
            pack(write, out);
        }
        return out.array();
    }

    /**
     * Rebuilds a chunk from {@link #snapshot()} bytes; the classifier comes from the snapshot.
     *
     * @throws IllegalArgumentException when the bytes are not a chunk snapshot
     */
    public static ChunkHeat restore(byte[] snapshot, GapPolicy gapPolicy) {
        try {
            ByteBuffer in = ByteBuffer.wrap(snapshot);
            byte version = in.get();
            if (version != SNAPSHOT_VERSION) {
                throw new IllegalArgumentException("heat chunk snapshot has version " + version
                        + ", this build reads version " + SNAPSHOT_VERSION);
            }
            byte[] name = new byte[in.get() & 0xFF];
            in.get(name);
            HeatTable table = HeatTable.byName(new String(name, StandardCharsets.UTF_8));
            long baseGfn = in.getLong();
            int pageCount = in.getInt();
            long lastScanSeq = in.getLong();
            boolean hasWrite = in.get() != 0;
            ChunkHeat chunk = new ChunkHeat(table, gapPolicy, baseGfn, pageCount);
            chunk.lastScanSeq = lastScanSeq;
            chunk.access = chunk.unpack(in, pageCount);
            checkStates(table, chunk.access, "snapshot accessStates");
            if (hasWrite) {
                chunk.write = chunk.unpack(in, pageCount);
                checkStates(table, chunk.write, "snapshot writeStates");
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(in.remaining() + " trailing bytes");
            }
            return chunk;
        } catch (java.nio.BufferUnderflowException | NegativeArraySizeException e) {
            throw new IllegalArgumentException("heat chunk snapshot of " + snapshot.length + " bytes is truncated", e);
        }
    }

    private boolean nibbles() {
        return table.stateCount() <= 16;
    }

    private int packedLength(int pages) {
        return nibbles() ? (pages + 1) >>> 1 : pages;
    }

    /** Two states a byte, the even page in the low nibble; 8 pages at a time (states < 16 here). */
    private void pack(byte[] states, ByteBuffer out) {
        if (!nibbles()) {
            out.put(states);
            return;
        }
        byte[] to = out.array();
        int at = out.arrayOffset() + out.position();
        int p = 0;
        for (; p + 8 <= pageCount; p += 8, at += 4) {
            long lanes = (long) LONGS.get(states, p);
            long pairs = (lanes | (lanes >>> 4)) & EVEN_BYTES; // byte 2j: page 2j | page 2j+1 << 4
            pairs = (pairs | (pairs >>> 8)) & EVEN_SHORTS;
            INTS.set(to, at, (int) (pairs | (pairs >>> 16)));
        }
        for (; p + 1 < pageCount; p += 2) {
            to[at++] = (byte) (states[p] | (states[p + 1] << 4));
        }
        if (p < pageCount) {
            to[at++] = states[p];
        }
        out.position(at - out.arrayOffset());
    }

    private byte[] unpack(ByteBuffer in, int pages) {
        byte[] states = new byte[pages];
        if (!nibbles()) {
            in.get(states);
            return states;
        }
        if (in.remaining() < (pages + 1) >>> 1) {
            throw new java.nio.BufferUnderflowException();
        }
        byte[] from = in.array();
        int at = in.arrayOffset() + in.position();
        int p = 0;
        for (; p + 8 <= pages; p += 8, at += 4) {
            long pairs = (int) INTS.get(from, at) & 0xFFFFFFFFL;
            pairs = (pairs | (pairs << 16)) & EVEN_SHORTS;
            pairs = (pairs | (pairs << 8)) & EVEN_BYTES; // byte 2j: packed byte j
            LONGS.set(states, p, (pairs & LOW_NIBBLES) | ((pairs & HIGH_NIBBLES) << 4));
        }
        for (; p + 1 < pages; p += 2) {
            int b = from[at++] & 0xFF;
            states[p] = (byte) (b & 0x0F);
            states[p + 1] = (byte) (b >>> 4);
        }
        if (p < pages) {
            states[p] = from[at++];
        }
        in.position(at - in.arrayOffset());
        return states;
    }
}
