package io.tierscope.workload.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.workload.AccessBatch;
import io.tierscope.workload.AccessReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceFormatsTest {
    @TempDir
    Path dir;

    /** Reads everything as "gfn/xwr/vmName" strings (fine for small test traces). */
    static List<String> readAll(AccessReader reader, int batchSize) throws IOException {
        List<String> out = new ArrayList<>();
        AccessBatch batch = new AccessBatch(batchSize);
        try (reader) {
            while (reader.read(batch) > 0) {
                for (int i = 0; i < batch.size(); i++) {
                    out.add(batch.gfn[i] + "/" + batch.xwr[i] + "/" + reader.vmName(batch.vm[i]));
                }
            }
        }
        return out;
    }

    static AccessReader csv(String text) {
        return new CsvTraceReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "t.csv");
    }

    @Test
    void csvParsesAllFieldFormsHeaderCommentsAndBlankLines() throws IOException {
        String text = "page,xwr,vm\n# comment\n\n12\n0x1f,w\n 7 , rw , vm-a \n8,5,vm-b\r\n9,-,\n10,,vm-a";
        assertEquals(List.of("12/1/default", "31/2/default", "7/3/vm-a", "8/5/vm-b", "9/0/default", "10/1/vm-a"),
                readAll(csv(text), 2));
    }

    @Test
    void csvErrorsNameLineNumberAndContent() {
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> readAll(csv("1\n2\nabc,r\n"), 8));
        assertEquals(3, e.line());
        assertEquals("abc,r", e.content());
        assertTrue(e.getMessage().contains("t.csv:3"), e.getMessage());
        assertEquals(2, assertThrows(TraceFormatException.class, () -> readAll(csv("1\n2,q\n"), 8)).line());
        assertEquals(1, assertThrows(TraceFormatException.class, () -> readAll(csv("1,r,a,b\n"), 8)).line());
        assertEquals(1, assertThrows(TraceFormatException.class, () -> readAll(csv("1,rr\n"), 8)).line());
        assertEquals(1, assertThrows(TraceFormatException.class,
                () -> readAll(csv("99999999999999999999\n"), 8)).line());
    }

    @Test
    void csvHandlesLinesLongerThanTheBuffer() throws IOException {
        String vm = "v".repeat(200_000);
        assertEquals(List.of("5/1/" + vm, "6/1/" + vm), readAll(csv("5,r," + vm + "\n6,r," + vm + "\n"), 4));
    }

    @Test
    void lackeyMapsKindsToBitsAndAddressesToPages() throws IOException {
        String text = "==123== Lackey, an example Valgrind tool\nI  04016b0,3\n L 1ffefffc58,8\n S 0403000,4\n"
                + " M 0404fff,1\n--123-- note\n";
        AccessReader r = new LackeyTraceReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "x");
        assertEquals(List.of("1025/4/default", (0x1ffefffc58L >>> 12) + "/1/default", "1027/2/default",
                "1028/3/default"), readAll(r, 3));
        AccessReader bad = new LackeyTraceReader(new ByteArrayInputStream("I  04016b0,3\nQ 12,3\n"
                .getBytes(StandardCharsets.UTF_8)), "x");
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> readAll(bad, 8));
        assertEquals(2, e.line());
        assertEquals("Q 12,3", e.content());
    }

    @Test
    void binaryRoundTripsSeveralVmsAndLargeJumps() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        List<String> expected = new ArrayList<>();
        try (BinaryTraceWriter w = new BinaryTraceWriter(bytes)) {
            int b = w.vm("b");
            int a = w.vm("a");
            long[] pages = {0, 5, (1L << 61) - 1, 3, 3, 1L << 40, 0};
            for (int i = 0; i < pages.length; i++) {
                int vm = i % 3 == 0 ? a : b;
                w.write(pages[i], i & 7, vm);
                expected.add(pages[i] + "/" + (i & 7) + "/" + (vm == a ? "a" : "b"));
            }
        }
        AccessReader r = new BinaryTraceReader(new ByteArrayInputStream(bytes.toByteArray()), "t.tst");
        assertEquals(expected, readAll(r, 2));
    }

    @Test
    void binaryRejectsBadMagicAndTruncation() throws IOException {
        assertThrows(TraceFormatException.class,
                () -> new BinaryTraceReader(new ByteArrayInputStream("page\n1\n".getBytes(StandardCharsets.UTF_8)), "x"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (BinaryTraceWriter w = new BinaryTraceWriter(bytes)) {
            int vm = w.vm("a");
            w.write(1, 1, vm);
            w.write(1L << 50, 1, vm);
        }
        byte[] cut = Arrays.copyOf(bytes.toByteArray(), bytes.size() - 2);
        TraceFormatException e = assertThrows(TraceFormatException.class,
                () -> readAll(new BinaryTraceReader(new ByteArrayInputStream(cut), "x"), 8));
        assertEquals(2, e.line());
    }

    @Test
    void gzipIsDetectedByMagicAndFormatByExtensionOrContent() throws IOException {
        Path gz = dir.resolve("trace.data");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write("I  04016b0,3\n".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(TraceFormat.LACKEY, TraceFormat.detect(gz));
        assertEquals(List.of("1025/4/default"), readAll(TraceFormat.LACKEY.open(gz), 8));

        Path csvGz = dir.resolve("t.csv.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(csvGz))) {
            out.write("1,w\n".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(TraceFormat.CSV, TraceFormat.detect(csvGz));
        assertEquals(List.of("1/2/default"), readAll(TraceFormat.CSV.open(csvGz), 8));

        Path bin = dir.resolve("noext");
        try (BinaryTraceWriter w = new BinaryTraceWriter(Files.newOutputStream(bin))) {
            w.write(9, 1, w.vm("x"));
        }
        assertEquals(TraceFormat.BIN, TraceFormat.detect(bin));
        Path plain = dir.resolve("plain");
        Files.writeString(plain, "# hi\n12,r\n");
        assertEquals(TraceFormat.CSV, TraceFormat.detect(plain));
        assertArrayEquals(new Object[] {TraceFormat.BIN}, new Object[] {TraceFormat.parse("BIN")});
        assertThrows(IllegalArgumentException.class, () -> TraceFormat.parse("xml"));
    }
}
