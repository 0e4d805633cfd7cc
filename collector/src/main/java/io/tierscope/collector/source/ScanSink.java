package io.tierscope.collector.source;

import java.io.IOException;

/** Receives the chunks of a scan in ascending gfn order. */
@FunctionalInterface
public interface ScanSink {
    void accept(ScanChunk chunk) throws IOException;
}
