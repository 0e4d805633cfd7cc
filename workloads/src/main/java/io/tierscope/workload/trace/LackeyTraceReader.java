package io.tierscope.workload.trace;

import io.tierscope.workload.AccessBatch;
import io.tierscope.workload.AccessReader;
import io.tierscope.workload.Xwr;
import java.io.InputStream;

/**
 * Reads the output of {@code valgrind --tool=lackey --trace-mem=yes}: lines such as
 * {@code "I  04016b0,3"}, {@code " L 1ffefffc58,8"}, {@code " S ..."}, {@code " M ..."}.
 * I becomes an execute access, L a read, S a write and M (modify) one read+write access;
 * the page is {@code address >> 12} (lackey traces user addresses with 4 KiB pages).
 * Valgrind's own message lines ({@code ==pid== ...}, {@code --pid-- ...}) and blank lines are
 * skipped; anything else is an error. All accesses belong to VM {@value AccessReader#DEFAULT_VM}.
 */
public final class LackeyTraceReader extends TextTraceReader {
    private static final int PAGE_SHIFT = 12;
    private final int vm;

    public LackeyTraceReader(InputStream in, String source) {
        super(in, source);
        vm = vm(AccessReader.DEFAULT_VM);
    }

    @Override
    void parseLine(AccessBatch batch) throws TraceFormatException {
        byte[] b = lines.buf;
        int from = lines.start;
        int to = lines.end;
        if (to - from >= 2 && ((b[from] == '=' && b[from + 1] == '=') || (b[from] == '-' && b[from + 1] == '-'))) {
            return;
        }
        while (from < to && isSpace(b[from])) {
            from++;
        }
        if (from == to) {
            return;
        }
        int bits;
        switch (b[from]) {
            case 'I' -> bits = Xwr.EXEC;
            case 'L' -> bits = Xwr.READ;
            case 'S' -> bits = Xwr.WRITE;
            case 'M' -> bits = Xwr.READ | Xwr.WRITE;
            default -> throw lines.error("expected a lackey access line 'I|L|S|M address,size'");
        }
        int a = from + 1;
        if (a >= to || !isSpace(b[a])) {
            throw lines.error("expected a space after the access kind");
        }
        while (a < to && isSpace(b[a])) {
            a++;
        }
        int comma = a;
        while (comma < to && b[comma] != ',') {
            comma++;
        }
        if (comma == to) {
            throw lines.error("expected 'address,size'");
        }
        long address = parseHex(b, a, comma, "address", -1L);
        batch.add(address >>> PAGE_SHIFT, bits, vm);
    }
}
