package io.tierscope.streams.mrc;

import io.tierscope.analytics.sampling.SpatialHash;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which VMs run an exact MRC engine beside their sampled one, as a live accuracy self-check
 * ({@link MrcAuditor}): a fraction of the fleet, chosen by a hash of the VM id (stable across
 * restarts and instances), and/or VMs named one by one. The exact engine of a VM is dropped, and
 * the VM's audit says so, once it tracks more than {@code maxPages} distinct pages.
 *
 * @param fraction share of VMs audited, in [0, 1]
 * @param vms      VM ids audited whatever the fraction
 * @param maxPages most distinct pages an audited VM's exact engine may track
 */
public record MrcAuditSettings(double fraction, Set<String> vms, long maxPages) {
    public static final long DEFAULT_MAX_PAGES = 1 << 20;
    /** Upper bound of {@link #maxPages}: an exact engine costs about 80 bytes of heap per tracked page (docs/mrc-accuracy.md). */
    public static final long MAX_MAX_PAGES = 1L << 28;
    public static final MrcAuditSettings OFF = new MrcAuditSettings(0, Set.of(), DEFAULT_MAX_PAGES);

    public MrcAuditSettings {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("audited fraction must be in [0, 1], got " + fraction);
        }
        if (maxPages < 1 || maxPages > MAX_MAX_PAGES) {
            throw new IllegalArgumentException(MrcSettings.MRC_AUDIT_MAX_PAGES + " must be in [1, " + MAX_MAX_PAGES + "], got " + maxPages);
        }
        vms = Set.copyOf(vms);
    }

    /** Audits exactly these VMs. */
    public static MrcAuditSettings of(String... vmIds) {
        return new MrcAuditSettings(0, new LinkedHashSet<>(Arrays.asList(vmIds)), DEFAULT_MAX_PAGES);
    }

    public MrcAuditSettings withMaxPages(long pages) {
        return new MrcAuditSettings(fraction, vms, pages);
    }

    public boolean enabled() {
        return fraction > 0 || !vms.isEmpty();
    }

    /** Whether VM {@code vmId} is audited. */
    public boolean audits(String vmId) {
        if (vms.contains(vmId)) {
            return true;
        }
        if (fraction <= 0) {
            return false;
        }
        // The VM's hash of a page number no guest has: uniform in [0, 1), apart from its sampled pages.
        double u = (double) SpatialHash.hash(SpatialHash.vmKey(vmId), -1L) / SpatialHash.ALL;
        return u < fraction;
    }

    /**
     * Parses {@code spec}: a number in [0, 1] is the audited fraction (so "1" audits every VM);
     * anything else a comma-separated list of VM ids; empty or "0" is off. {@code key} names the
     * setting in errors.
     */
    public static MrcAuditSettings parse(String key, String spec, long maxPages) {
        String s = spec.trim();
        if (s.isEmpty()) {
            return OFF.withMaxPages(maxPages);
        }
        try {
            double fraction = Double.parseDouble(s);
            if (!(fraction >= 0 && fraction <= 1)) {
                throw new IllegalArgumentException(key + ": an audited fraction must be in [0, 1], got \"" + spec + "\"");
            }
            return new MrcAuditSettings(fraction, Set.of(), maxPages);
        } catch (NumberFormatException notANumber) {
            Set<String> ids = Arrays.stream(s.split(",")).map(String::trim).filter(id -> !id.isEmpty())
                    .collect(Collectors.toCollection(LinkedHashSet::new));
            return new MrcAuditSettings(0, ids, maxPages);
        }
    }
}
