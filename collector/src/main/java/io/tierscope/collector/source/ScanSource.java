package io.tierscope.collector.source;

import java.io.IOException;

/**
 * A source of accessed/dirty-bit scans of one VM's guest memory. Each call reports the bits
 * gathered since the previous call, chunk by chunk, and re-arms the tracking for the next period;
 * the caller decides the period by how often it calls. The first call only arms and reports nothing.
 */
public interface ScanSource extends AutoCloseable {
    void scan(ScanSink sink) throws IOException;

    @Override
    void close() throws IOException;
}
