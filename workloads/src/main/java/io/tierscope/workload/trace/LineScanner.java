package io.tierscope.workload.trace;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits a byte stream into lines without creating a String per line: after {@link #next()} the
 * current line is {@code buf[start, end)} (without the line terminator; "\r\n" is accepted).
 * Parsers read numbers straight from the bytes, which keeps multi-million-line traces fast.
 */
final class LineScanner {
    private static final int MAX_SHOWN = 200;

    private final InputStream in;
    private final String source;
    byte[] buf = new byte[1 << 16];
    private int limit;
    private int pos;
    int start;
    int end;
    private long lineNumber;
    private boolean eof;

    LineScanner(InputStream in, String source) {
        this.in = in;
        this.source = source;
    }

    /** Advances to the next line; false at end of input. */
    boolean next() throws IOException {
        int scan = pos;
        while (true) {
            for (int i = scan; i < limit; i++) {
                if (buf[i] == '\n') {
                    start = pos;
                    end = i > pos && buf[i - 1] == '\r' ? i - 1 : i;
                    pos = i + 1;
                    lineNumber++;
                    return true;
                }
            }
            if (eof) {
                if (pos < limit) {
                    start = pos;
                    end = buf[limit - 1] == '\r' ? limit - 1 : limit;
                    pos = limit;
                    lineNumber++;
                    return true;
                }
                return false;
            }
            scan = limit - pos;
            fill();
        }
    }

    /** Moves the unread tail to the front (growing the buffer for very long lines) and reads more. */
    private void fill() throws IOException {
        int remaining = limit - pos;
        if (pos == 0 && limit == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2);
        } else if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, remaining);
        }
        pos = 0;
        limit = remaining;
        int n = in.read(buf, limit, buf.length - limit);
        if (n < 0) {
            eof = true;
        } else {
            limit += n;
        }
    }

    long lineNumber() {
        return lineNumber;
    }

    String source() {
        return source;
    }

    /** The current line as text, shortened for error messages. */
    String lineText() {
        int len = Math.min(end - start, MAX_SHOWN);
        String text = new String(buf, start, len, StandardCharsets.UTF_8);
        return end - start > MAX_SHOWN ? text + "..." : text;
    }

    TraceFormatException error(String problem) {
        return new TraceFormatException(source, lineNumber, lineText(), problem);
    }
}
