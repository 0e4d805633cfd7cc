package io.tierscope.workload.trace;

import java.io.IOException;

/** Malformed trace input: says which source, which line (or record) and what was found there. */
public final class TraceFormatException extends IOException {
    private final String source;
    private final long line;
    private final String content;

    public TraceFormatException(String source, long line, String content, String problem) {
        super(source + ":" + line + ": " + problem + (content == null ? "" : ": '" + content + "'"));
        this.source = source;
        this.line = line;
        this.content = content;
    }

    public String source() {
        return source;
    }

    /** 1-based line number for text formats, 1-based record number for the binary format. */
    public long line() {
        return line;
    }

    /** The offending line (shortened if very long), or null when there is none (e.g. a truncated file). */
    public String content() {
        return content;
    }
}
