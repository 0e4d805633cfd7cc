package io.tierscope.workload.trace;

import io.tierscope.workload.AccessBatch;
import io.tierscope.workload.AccessReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Shared plumbing of the line-based formats: line scanning, number parsing, the VM-name table. */
abstract class TextTraceReader implements AccessReader {
    /** Largest page number the packed sample layout carries (61 bits). */
    static final long MAX_PAGE = (1L << 61) - 1;

    final LineScanner lines;
    private final InputStream in;
    private final List<String> vmNames = new ArrayList<>();
    private final Map<String, Integer> vmIndex = new HashMap<>();
    // The last VM field seen, to skip the table lookup while the VM does not change.
    private byte[] lastVm = new byte[0];
    private int lastVmIndex = -1;

    TextTraceReader(InputStream in, String source) {
        this.in = in;
        this.lines = new LineScanner(in, source);
    }

    @Override
    public final int read(AccessBatch batch) throws IOException {
        batch.clear();
        while (!batch.isFull() && lines.next()) {
            parseLine(batch);
        }
        return batch.size();
    }

    /** Parses the current line of {@link #lines}, adding zero, one or more accesses to the batch. */
    abstract void parseLine(AccessBatch batch) throws TraceFormatException;

    @Override
    public int vmCount() {
        return vmNames.size();
    }

    @Override
    public String vmName(int index) {
        return vmNames.get(index);
    }

    final int vm(String name) {
        Integer known = vmIndex.get(name);
        if (known != null) {
            return known;
        }
        vmNames.add(name);
        vmIndex.put(name, vmNames.size() - 1);
        return vmNames.size() - 1;
    }

    /** Index of the VM named by bytes {@code [from, to)} of the current line. */
    final int vm(byte[] b, int from, int to) {
        int len = to - from;
        if (lastVmIndex >= 0 && len == lastVm.length
                && Arrays.equals(b, from, to, lastVm, 0, len)) {
            return lastVmIndex;
        }
        lastVm = Arrays.copyOfRange(b, from, to);
        lastVmIndex = vm(new String(lastVm, StandardCharsets.UTF_8));
        return lastVmIndex;
    }

    /** Parses an unsigned decimal number, or hex with a 0x prefix, from {@code [from, to)}. */
    final long parsePage(byte[] b, int from, int to) throws TraceFormatException {
        if (from >= to) {
            throw lines.error("missing page number");
        }
        if (to - from > 2 && b[from] == '0' && (b[from + 1] == 'x' || b[from + 1] == 'X')) {
            return parseHex(b, from + 2, to, "page number", MAX_PAGE);
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                throw lines.error("page number is not a decimal or 0x-hex number");
            }
            if (v > (MAX_PAGE - d) / 10) {
                throw lines.error("page number exceeds 2^61-1");
            }
            v = v * 10 + d;
        }
        return v;
    }

    final long parseHex(byte[] b, int from, int to, String what, long max) throws TraceFormatException {
        if (from >= to) {
            throw lines.error("missing " + what);
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            int c = b[i];
            int d;
            if (c >= '0' && c <= '9') {
                d = c - '0';
            } else if (c >= 'a' && c <= 'f') {
                d = c - 'a' + 10;
            } else if (c >= 'A' && c <= 'F') {
                d = c - 'A' + 10;
            } else {
                throw lines.error(what + " is not a hex number");
            }
            if (Long.compareUnsigned(v, max >>> 4) > 0) {
                throw lines.error(what + " is too large");
            }
            v = (v << 4) | d;
        }
        if (Long.compareUnsigned(v, max) > 0) {
            throw lines.error(what + " is too large");
        }
        return v;
    }

    static boolean isSpace(byte c) {
        return c == ' ' || c == '\t';
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
