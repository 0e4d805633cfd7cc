package io.tierscope.workload.trace;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/** Opens trace files, gunzipping them transparently when they start with the gzip magic bytes. */
public final class TraceInput {
    private static final int GZIP_MAGIC_0 = 0x1f;
    private static final int GZIP_MAGIC_1 = 0x8b;
    private static final int BUFFER = 1 << 16;

    private TraceInput() {
    }

    /** The decompressed content of {@code path}, whatever its name says. */
    public static InputStream open(Path path) throws IOException {
        return decompressIfGzip(Files.newInputStream(path));
    }

    /** {@link #open(Path)}, counting the file's bytes as read into {@code progress}. */
    public static InputStream open(Path path, ReadProgress progress) throws IOException {
        return decompressIfGzip(progress.counting(Files.newInputStream(path)));
    }

    /** Wraps {@code raw} into a gunzipping stream when its first two bytes are the gzip magic. */
    public static InputStream decompressIfGzip(InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, BUFFER);
        if (isGzip(in)) {
            return new BufferedInputStream(new GZIPInputStream(in, BUFFER), BUFFER);
        }
        return in;
    }

    /** Peeks (mark/reset) at the first {@code n} bytes of {@code in}; fewer at end of input. */
    static byte[] peek(BufferedInputStream in, int n) throws IOException {
        in.mark(n);
        byte[] head = in.readNBytes(n);
        in.reset();
        return head;
    }

    private static boolean isGzip(BufferedInputStream in) throws IOException {
        byte[] head = peek(in, 2);
        return head.length == 2 && (head[0] & 0xff) == GZIP_MAGIC_0 && (head[1] & 0xff) == GZIP_MAGIC_1;
    }
}
