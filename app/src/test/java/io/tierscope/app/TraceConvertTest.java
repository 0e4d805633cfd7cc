package io.tierscope.app;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.workload.AccessBatch;
import io.tierscope.workload.AccessReader;
import io.tierscope.workload.trace.TraceFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code trace convert}: every access, its bits and its VM survive csv -> bin -> csv, lackey -> bin, and gzip. */
class TraceConvertTest {
    @TempDir
    Path dir;

    @Test
    void csvToBinAndBackKeepsEveryAccess() throws IOException {
        Random random = new Random(7);
        StringBuilder csv = new StringBuilder("page,xwr,vm\n");
        String[] bits = {"r", "w", "x", "wr", "xr", "xwr", "-"};
        for (int i = 0; i < 50_000; i++) {
            long page = random.nextInt(4) == 0 ? random.nextLong(1L << 40) : random.nextInt(1000);
            csv.append(page).append(',').append(bits[random.nextInt(bits.length)]).append(",vm-").append(random.nextInt(3)).append('\n');
        }
        Path in = Files.writeString(dir.resolve("in.csv"), csv);
        Path bin = dir.resolve("out.bin.gz");
        Path back = dir.resolve("back.csv");
        assertEquals(0, convert("--in", in.toString(), "--out", bin.toString(), "--to", "bin"));
        assertEquals(0, convert("--in", bin.toString(), "--from", "bin", "--out", back.toString(), "--to", "csv"));
        List<String> original = accesses(in, TraceFormat.CSV);
        assertEquals(50_000, original.size());
        assertEquals(original, accesses(bin, TraceFormat.BIN));
        assertEquals(original, accesses(back, TraceFormat.CSV));
        assertTrue(Files.size(bin) < Files.size(in) / 2, "the binary trace is compact");
    }

    @Test
    void lackeyToCsv() throws IOException {
        Path in = Files.writeString(dir.resolve("t.lackey"), "==1== lackey\nI  04001000,3\n L 7ff000a10,8\n S 7ff000a18,8\n M 00402000,4\n");
        Path out = dir.resolve("t.csv");
        assertEquals(0, convert("--in", in.toString(), "--out", out.toString(), "--to", "csv"));
        List<String> lines = Files.readAllLines(out);
        assertEquals("page,xwr,vm", lines.get(0));
        assertEquals(accesses(in, TraceFormat.LACKEY), accesses(out, TraceFormat.CSV));
        assertEquals(5, lines.size(), "one line per access after the header: " + lines);
    }

    @Test
    void aFailedConversionLeavesNoOutputBehind() throws IOException {
        Path in = Files.writeString(dir.resolve("bad.csv"), "1,r\n2,w\nnot-a-page\n");
        Path out = dir.resolve("bad.bin");
        StringWriter err = new StringWriter();
        assertEquals(1, convert(err, "--in", in.toString(), "--out", out.toString(), "--to", "bin"));
        assertTrue(err.toString().contains("bad.csv:3"), err.toString());
        assertFalse(Files.exists(out));
        try (var files = Files.list(dir)) {
            assertArrayEquals(new Object[] {in}, files.toArray(), "no partial file left");
        }
    }

    private int convert(String... args) {
        return convert(new StringWriter(), args);
    }

    private static int convert(StringWriter err, String... args) {
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err, true));
        String[] all = new String[args.length + 2];
        all[0] = "trace";
        all[1] = "convert";
        System.arraycopy(args, 0, all, 2, args.length);
        return cli.execute(all);
    }

    /** Every access as "vm page bits", in order. */
    private static List<String> accesses(Path file, TraceFormat format) throws IOException {
        List<String> all = new ArrayList<>();
        try (AccessReader reader = format.open(file)) {
            AccessBatch batch = new AccessBatch(4096);
            int n;
            while ((n = reader.read(batch)) > 0) {
                for (int i = 0; i < n; i++) {
                    all.add(reader.vmName(batch.vm[i]) + " " + batch.gfn[i] + " " + batch.xwr[i]);
                }
            }
        }
        return all;
    }
}
