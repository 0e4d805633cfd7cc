package io.tierscope.collector.produce;

/** The collector's version, stamped into every batch and scan it writes (their collectorVersion field). */
public final class CollectorVersion {
    /** The build's Implementation-Version, or "development" when run from a source build. */
    public static final String CURRENT = current();

    private CollectorVersion() {
    }

    private static String current() {
        String v = CollectorVersion.class.getPackage().getImplementationVersion();
        return v == null || v.isBlank() ? "development" : v;
    }
}
