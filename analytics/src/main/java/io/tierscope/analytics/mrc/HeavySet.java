package io.tierscope.analytics.mrc;

import java.util.Arrays;

/**
 * Decides which pages form the heavy head that a hybrid sampler tracks exactly (weight 1) while
 * the tail stays spatially sampled (weight 1/R): Carra and Neglia, "Efficient miss ratio curve
 * computation for heavy-tailed workloads" - the few very hot pages dominate the variance of a
 * spatial sample, so they are taken out of it.
 *
 * <p>Detection is a count-min sketch with conservative update (Cormode and Muthukrishnan 2005;
 * Estan and Varghese 2002) of {@value #ROWS} rows of saturating counters indexed by bits of
 * the page's spatial hash (4-bit counts, saturating at {@value #MAX_COUNT}), halved every {@code AGE_PERIOD} updates so it follows the recent
 * rate. A page whose estimate reaches {@value #PROMOTE} is a candidate. The set holds at most
 * {@code capacity} pages; members count their references, aged on the same schedule. When full,
 * a candidate replaces the coldest of a few members under a CLOCK hand only if that member's
 * aged count is below half the candidate's: the hysteresis keeps the set from churning, since
 * every swap costs the newcomer its history (see {@link MrcEngine} for how that is booked).
 * A counting filter over hash bits tells most non-member references apart without a map lookup.
 */
final class HeavySet {
    static final int ROWS = 2;
    static final int WIDTH_BITS = 15;
    static final int WIDTH = 1 << WIDTH_BITS;
    static final int PROMOTE = 12;
    /** Counters saturate here: 4 bits each, so a snapshot packs two per byte. */
    static final int MAX_COUNT = 15;
    /** A power of two, so the ageing test is a mask. */
    static final long AGE_PERIOD = 8L * WIDTH;
    static final int VICTIM_SCAN = 16;
    private static final int FILTER_BITS = 14;

    private final int capacity;
    final byte[] sketch = new byte[ROWS * WIDTH];
    private final short[] filter = new short[1 << FILTER_BITS];
    final long[] pages;
    final long[] hashes;
    final int[] hits;
    /** A member's previous reference is unknown until its first counted one after promotion. */
    static final long UNKNOWN = Long.MIN_VALUE;
    /** Per member: the reference clock ({@link #UNKNOWN} right after promotion) and the heavy-reference clock at its latest reference. */
    final long[] lastReference;
    final long[] lastHeavyReference;
    /** References to members so far. */
    long heavyReferences;
    private final PageTimeMap slots;
    int size;
    int hand;
    long updates;

    HeavySet(int capacity) {
        this.capacity = capacity;
        pages = new long[capacity];
        hashes = new long[capacity];
        hits = new int[capacity];
        lastReference = new long[capacity];
        lastHeavyReference = new long[capacity];
        slots = new PageTimeMap(capacity);
    }

    int capacity() {
        return capacity;
    }

    int size() {
        return size;
    }

    /** False means certainly not a member; true means look it up. */
    boolean mayContain(long hash) {
        return filter[filterIndex(hash)] != 0;
    }

    boolean contains(long page) {
        return slots.get(page) != PageTimeMap.MISSING;
    }

    /** The member slot of {@code page}, or -1; checks the filter first. */
    int slotOf(long page, long hash) {
        if (!mayContain(hash)) {
            return -1;
        }
        long slot = slots.get(page);
        return slot == PageTimeMap.MISSING ? -1 : (int) slot;
    }

    /**
     * Counts one reference of a non-member with spatial hash {@code hash} and returns its
     * estimated (aged) count; at {@link #PROMOTE} or more it is a candidate for {@link #slotFor}.
     */
    int offer(long hash) {
        int i0 = (int) (hash & (WIDTH - 1));
        int i1 = WIDTH + (int) ((hash >>> WIDTH_BITS) & (WIDTH - 1));
        int c0 = sketch[i0] & 0xff;
        int c1 = sketch[i1] & 0xff;
        int next = Math.min(MAX_COUNT, Math.min(c0, c1) + 1);
        // Conservative update: raise only the counters below the new estimate.
        if (c0 < next) {
            sketch[i0] = (byte) next;
        }
        if (c1 < next) {
            sketch[i1] = (byte) next;
        }
        if ((++updates & (AGE_PERIOD - 1)) == 0) {
            // Members' hits age on the same schedule, so the two counts stay comparable.
            for (int i = 0; i < sketch.length; i++) {
                sketch[i] = (byte) ((sketch[i] & 0xff) >>> 1);
            }
            for (int i = 0; i < size; i++) {
                hits[i] >>>= 1;
            }
        }
        return next;
    }

    /**
     * Counts a reference of the member in {@code slot} at reference clock {@code now} and returns how
     * many references to non-members came since its previous one (an upper bound of the tail
     * pages between, exact in count, unlike the sampled estimate), or {@link Long#MAX_VALUE} for
     * the first reference counted since promotion (its previous one was not watched).
     */
    long hit(int slot, long now) {
        if (hits[slot] < Integer.MAX_VALUE) {
            hits[slot]++;
        }
        long last = lastReference[slot];
        long tailReferences = (now - last) - (heavyReferences - lastHeavyReference[slot]) - 1;
        heavyReferences++;
        lastReference[slot] = now;
        lastHeavyReference[slot] = heavyReferences;
        return last == UNKNOWN ? Long.MAX_VALUE : Math.max(0, tailReferences);
    }

    /** Adds {@code page} (not a member, set not full). */
    private void place(int slot, long page, long hash, int count, long heavyNow) {
        lastReference[slot] = UNKNOWN;
        lastHeavyReference[slot] = heavyNow;
        pages[slot] = page;
        hashes[slot] = hash;
        hits[slot] = count;
        slots.put(page, slot);
        filter[filterIndex(hash)]++;
    }

    /**
     * The slot a candidate with aged count {@code estimate} may take: a free one, or that of the
     * coldest of the next {@value #VICTIM_SCAN} members under the CLOCK hand when its aged hits are
     * below half the candidate's (hysteresis, so near-equal pages do not keep trading places:
     * every swap costs the newcomer its history); -1 when the candidate does not get in. An
     * occupied slot still names the member to demote in {@link #pages}/{@link #hashes} until
     * {@link #put} refills it.
     */
    int slotFor(int estimate) {
        if (size < capacity) {
            return size;
        }
        int coldest = -1;
        for (int i = 0; i < VICTIM_SCAN; i++) {
            if (hand >= size) {
                hand = 0;
            }
            if (coldest < 0 || hits[hand] < hits[coldest]) {
                coldest = hand;
            }
            hand++;
        }
        return 2L * hits[coldest] < estimate ? coldest : -1;
    }

    /** Puts {@code page} into {@code slot} from {@link #slotFor}, dropping the member there if any. */
    void put(int slot, long page, long hash, int estimate) {
        if (slot == size) {
            size++;
        } else {
            slots.remove(pages[slot]);
            filter[filterIndex(hashes[slot])]--;
        }
        place(slot, page, hash, estimate, heavyReferences);
    }

    /** Empties the set (members are the caller's to demote first); the sketch is kept. */
    void clear() {
        for (int i = 0; i < size; i++) {
            slots.remove(pages[i]);
        }
        Arrays.fill(filter, (short) 0);
        size = 0;
        hand = 0;
    }

    /** Rebuilds a member from a snapshot. */
    void restoreMember(long page, long hash, int count, long reference, long heavyReference) {
        int slot = size;
        if (size == capacity) {
            throw new IllegalArgumentException("more than " + capacity + " heavy pages in MRC snapshot");
        }
        if (contains(page)) {
            throw new IllegalArgumentException("heavy page " + page + " repeats in MRC snapshot");
        }
        place(size++, page, hash, count, heavyReference);
        lastReference[slot] = reference;
    }

    private static int filterIndex(long hash) {
        return (int) (hash >>> 36) & ((1 << FILTER_BITS) - 1);
    }

    long retainedBytes() {
        return sketch.length + 2L * filter.length + 36L * capacity + slots.retainedBytes();
    }
}
