package io.tierscope.guestmap;

/**
 * Frame numbers that are host virtual page numbers inside one mapping: what the collector's A/D
 * scans publish for a VM scanned without kvm-ept-sample memslots ({@code va >>> 12}, so that page
 * numbers stay unique per process). A number outside the mapping has no RAM.
 */
public final class HostVirtualPages implements GuestMemoryMap {
    private final MapsReader.Mapping mapping;

    public HostVirtualPages(MapsReader.Mapping mapping) {
        this.mapping = mapping;
    }

    @Override
    public long hvaOf(long gfn) {
        long va = gfn << PAGE_SHIFT;
        return gfn >= 0 && gfn >>> (64 - PAGE_SHIFT) == 0 && mapping.contains(va) ? va : -1;
    }

    @Override
    public long[][] ranges() {
        return new long[][] {{mapping.start() >>> PAGE_SHIFT, mapping.pages()}};
    }

    @Override
    public String describe() {
        return "host virtual pages of mapping 0x" + Long.toHexString(mapping.start()) + "-0x" + Long.toHexString(mapping.end())
                + (mapping.path().isEmpty() ? "" : " (" + mapping.path() + ")");
    }
}
