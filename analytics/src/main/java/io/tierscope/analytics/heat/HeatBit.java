package io.tierscope.analytics.heat;

/** Which scan bit drives a heat state: A (reads and writes) or D (writes only). */
public enum HeatBit {
    ACCESSED,
    DIRTY
}
