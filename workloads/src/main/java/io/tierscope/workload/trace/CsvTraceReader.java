package io.tierscope.workload.trace;

import io.tierscope.workload.AccessBatch;
import io.tierscope.workload.AccessReader;
import io.tierscope.workload.Xwr;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Reads the csv trace format: one access per line, {@code page[,xwr[,vm]]}.
 *
 * <ul>
 *   <li>{@code page}: guest page (frame) number, decimal or hex with a {@code 0x} prefix.</li>
 *   <li>{@code xwr}: optional access bits, either letters, a subset of {@code xwr} in any order
 *       ({@code r}, {@code rw}, {@code x}; {@code -} for none), or one octal digit 0-7 with
 *       bit0 read, bit1 write, bit2 execute. Missing or empty means {@code r}.</li>
 *   <li>{@code vm}: optional VM name (any text without a comma); missing or empty means
 *       {@value AccessReader#DEFAULT_VM}.</li>
 * </ul>
 * Fields may be padded with spaces. Blank lines and lines starting with {@code #} are skipped.
 * The first line may be a header whose first field is {@code page} or {@code gfn}.
 */
public final class CsvTraceReader extends TextTraceReader {
    private boolean seenData;
    private int defaultVm = -1;

    public CsvTraceReader(InputStream in, String source) {
        super(in, source);
    }

    @Override
    void parseLine(AccessBatch batch) throws TraceFormatException {
        byte[] b = lines.buf;
        int from = lines.start;
        int to = lines.end;
        while (from < to && isSpace(b[from])) {
            from++;
        }
        if (from == to || b[from] == '#') {
            return;
        }
        int c1 = indexOf(b, from, to, (byte) ',');
        int pageEnd = c1 < 0 ? to : c1;
        if (!seenData) {
            seenData = true;
            if (isHeader(b, from, trimEnd(b, from, pageEnd))) {
                return;
            }
        }
        long page = parsePage(b, from, trimEnd(b, from, pageEnd));
        int bits = Xwr.READ;
        int vm;
        if (c1 < 0) {
            vm = defaultVm();
        } else {
            int c2 = indexOf(b, c1 + 1, to, (byte) ',');
            int xEnd = c2 < 0 ? to : c2;
            bits = parseXwr(b, trimStart(b, c1 + 1, xEnd), trimEnd(b, c1 + 1, xEnd));
            if (c2 < 0) {
                vm = defaultVm();
            } else {
                if (indexOf(b, c2 + 1, to, (byte) ',') >= 0) {
                    throw lines.error("expected page[,xwr[,vm]] but found more than 3 fields");
                }
                int vFrom = trimStart(b, c2 + 1, to);
                int vTo = trimEnd(b, vFrom, to);
                vm = vFrom == vTo ? defaultVm() : vm(b, vFrom, vTo);
            }
        }
        batch.add(page, bits, vm);
    }

    private int defaultVm() {
        if (defaultVm < 0) {
            defaultVm = vm(AccessReader.DEFAULT_VM);
        }
        return defaultVm;
    }

    private int parseXwr(byte[] b, int from, int to) throws TraceFormatException {
        if (from == to) {
            return Xwr.READ;
        }
        if (to - from == 1 && b[from] >= '0' && b[from] <= '7') {
            return b[from] - '0';
        }
        if (to - from == 1 && b[from] == '-') {
            return 0;
        }
        int bits = 0;
        for (int i = from; i < to; i++) {
            int bit;
            switch (b[i]) {
                case 'r', 'R' -> bit = Xwr.READ;
                case 'w', 'W' -> bit = Xwr.WRITE;
                case 'x', 'X' -> bit = Xwr.EXEC;
                default -> throw lines.error("access bits must be letters from 'xwr', '-' or a digit 0-7");
            }
            if ((bits & bit) != 0) {
                throw lines.error("access bit letter repeated");
            }
            bits |= bit;
        }
        return bits;
    }

    private static boolean isHeader(byte[] b, int from, int to) {
        String first = new String(b, from, to - from, StandardCharsets.US_ASCII);
        return first.equalsIgnoreCase("page") || first.equalsIgnoreCase("gfn");
    }

    private static int indexOf(byte[] b, int from, int to, byte c) {
        for (int i = from; i < to; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private static int trimStart(byte[] b, int from, int to) {
        while (from < to && isSpace(b[from])) {
            from++;
        }
        return from;
    }

    private static int trimEnd(byte[] b, int from, int to) {
        while (to > from && isSpace(b[to - 1])) {
            to--;
        }
        return to;
    }
}
