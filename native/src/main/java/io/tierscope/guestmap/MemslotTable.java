package io.tierscope.guestmap;

import java.util.Arrays;

/**
 * A VM's memory slots (guest frame range -> host virtual address), sorted by base gfn, with a
 * binary-search lookup from gfn to slot. Slots come from kvm-ept-sample GET_MEMSLOTS; the module
 * reports {@code gpa = base_gfn << PAGE_SHIFT}.
 */
public final class MemslotTable implements GuestMemoryMap {

    private final long[] baseGfn;
    private final long[] hva;
    private final long[] pages;

    private MemslotTable(long[] baseGfn, long[] hva, long[] pages) {
        this.baseGfn = baseGfn;
        this.hva = hva;
        this.pages = pages;
    }

    /**
     * Builds the table from parallel arrays of {@code count} slots in any order.
     *
     * @throws IllegalArgumentException when slots overlap, are empty or a gpa is not page aligned
     */
    public static MemslotTable of(long[] gpa, long[] hva, long[] pageCount, int count) {
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
            if ((gpa[i] & ((1L << PAGE_SHIFT) - 1)) != 0 || pageCount[i] <= 0) {
                throw new IllegalArgumentException("memslot " + i + " (gpa 0x" + Long.toHexString(gpa[i])
                        + ", " + pageCount[i] + " pages) is not a page-aligned, non-empty slot");
            }
        }
        Arrays.sort(order, (a, b) -> Long.compareUnsigned(gpa[a], gpa[b]));
        long[] base = new long[count];
        long[] va = new long[count];
        long[] n = new long[count];
        for (int i = 0; i < count; i++) {
            int s = order[i];
            base[i] = gpa[s] >>> PAGE_SHIFT;
            va[i] = hva[s];
            n[i] = pageCount[s];
            if (i > 0 && base[i] < base[i - 1] + n[i - 1]) {
                throw new IllegalArgumentException("memslots overlap: gfn 0x" + Long.toHexString(base[i - 1])
                        + "+" + n[i - 1] + " and gfn 0x" + Long.toHexString(base[i]));
            }
        }
        return new MemslotTable(base, va, n);
    }

    public int size() {
        return baseGfn.length;
    }

    public long baseGfn(int slot) {
        return baseGfn[slot];
    }

    public long hva(int slot) {
        return hva[slot];
    }

    public long pages(int slot) {
        return pages[slot];
    }

    /** The slot holding {@code gfn}, or -1 when no slot does (e.g. MMIO ranges). */
    public int slotOf(long gfn) {
        int lo = 0;
        int hi = baseGfn.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (baseGfn[mid] <= gfn) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        // hi is the last slot starting at or below gfn
        return hi >= 0 && gfn - baseGfn[hi] < pages[hi] ? hi : -1;
    }

    /** The host virtual address backing {@code gfn}, or -1 when no slot holds it. */
    @Override
    public long hvaOf(long gfn) {
        int slot = slotOf(gfn);
        return slot < 0 ? -1 : hva[slot] + ((gfn - baseGfn[slot]) << PAGE_SHIFT);
    }

    @Override
    public long[][] ranges() {
        long[][] r = new long[baseGfn.length][];
        for (int i = 0; i < r.length; i++) {
            r[i] = new long[] {baseGfn[i], pages[i]};
        }
        return r;
    }

    @Override
    public String describe() {
        return "kvm-ept-sample memslots: " + this;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("MemslotTable[");
        for (int i = 0; i < baseGfn.length; i++) {
            b.append(i == 0 ? "" : ", ").append("gfn 0x").append(Long.toHexString(baseGfn[i]))
                    .append("+").append(pages[i]).append(" @ hva 0x").append(Long.toHexString(hva[i]));
        }
        return b.append(']').toString();
    }
}
