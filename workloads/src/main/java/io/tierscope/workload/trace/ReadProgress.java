package io.tierscope.workload.trace;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How far a reader is through a trace file: bytes of the file as stored (compressed, for a gzip
 * trace) taken so far, against its size. Readers buffer ahead, so this runs slightly early;
 * safe to read from another thread.
 */
public final class ReadProgress {
    private final long totalBytes;
    private volatile long bytesRead;

    private ReadProgress(long totalBytes) {
        this.totalBytes = totalBytes;
    }

    /** Progress through {@code file}, of its current size; pass it to {@link TraceFormat#open(Path, ReadProgress)}. */
    public static ReadProgress forFile(Path file) throws IOException {
        return new ReadProgress(Files.size(file));
    }

    public long totalBytes() {
        return totalBytes;
    }

    public long bytesRead() {
        return bytesRead;
    }

    /** 0 to 1; 1 for an empty file. */
    public double fraction() {
        return totalBytes <= 0 ? 1.0 : Math.min(1.0, (double) bytesRead / totalBytes);
    }

    /** {@code raw}, counting what is read from it into this progress. */
    InputStream counting(InputStream raw) {
        return new FilterInputStream(raw) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    bytesRead++;
                }
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                int n = super.read(buf, off, len);
                if (n > 0) {
                    bytesRead += n;
                }
                return n;
            }

            @Override
            public long skip(long n) throws IOException {
                long skipped = super.skip(n);
                bytesRead += skipped;
                return skipped;
            }
        };
    }
}
