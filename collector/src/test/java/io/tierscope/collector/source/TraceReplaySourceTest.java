package io.tierscope.collector.source;

import io.tierscope.workload.AccessBatch;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.workload.trace.BinaryTraceWriter;
import io.tierscope.workload.trace.TraceFormat;
import io.tierscope.workload.trace.TraceFormatException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TraceReplaySourceTest {
    @TempDir
    Path dir;

    /** Every sample of a feed as "vmId:gfn:xwr". */
    private static List<String> replay(SampleFeed feed, int blockSize) throws IOException {
        List<String> out = new ArrayList<>();
        AccessBatch block = new AccessBatch(blockSize);
        int n;
        while ((n = feed.read(block)) != SampleFeed.END_OF_STREAM) {
            for (int i = 0; i < n; i++) {
                out.add(feed.vmId(block.vm[i]) + ":" + block.gfn[i] + ":" + block.xwr[i]);
            }
        }
        feed.close();
        return out;
    }

    @Test
    void aGzippedCsvWithoutVmColumnReplaysAsTheGivenVm() throws IOException {
        Path csv = dir.resolve("web.csv.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(csv))) {
            out.write("page,xwr\n10,r\n0x20,rw\n# comment\n30,x\n".getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(List.of("vm-7:10:1", "vm-7:32:3", "vm-7:30:4"), replay(TraceReplaySource.open(csv, null, "vm-7"), 2));
    }

    @Test
    void aCsvWithAVmColumnKeepsItsVmNamesAndTheFileNameNamesTheRest() throws IOException {
        Path csv = Files.writeString(dir.resolve("mixed.trace.csv"), "1,r,alpha\n2,w,beta\n3,r\n4,w,alpha\n");
        assertEquals(List.of("alpha:1:1", "beta:2:2", "mixed:3:1", "alpha:4:2"), replay(TraceReplaySource.open(csv, null, null), 3));
    }

    @Test
    void lackeyOutputBecomesPagesWithExecReadWriteBits() throws IOException {
        Path lackey = Files.writeString(dir.resolve("ls.lackey"), String.join("\n",
                "==123== Lackey, an example Valgrind tool", "I  04016b0,3", " L 1ffefffc58,8", " S 04022000,4",
                " M 0402a008,8", ""));
        assertEquals(List.of("ls:1025:4", "ls:33550335:1", "ls:16418:2", "ls:16426:3"),
                replay(TraceReplaySource.open(lackey, null, "ls"), 16));
    }

    @Test
    void theBinaryFormatReplaysSeveralVmsOfOneFile() throws IOException {
        Path bin = dir.resolve("fleet.tst");
        try (BinaryTraceWriter w = new BinaryTraceWriter(Files.newOutputStream(bin))) {
            int a = w.vm("a");
            int b = w.vm("b");
            for (int i = 0; i < 10_000; i++) {
                w.write(i * 3L, 1 + i % 3, i % 2 == 0 ? a : b);
            }
        }
        List<String> got = replay(TraceReplaySource.open(bin, TraceFormat.BIN, "unused"), 777);
        assertEquals(10_000, got.size());
        assertEquals("a:0:1", got.get(0));
        assertEquals("b:29997:1", got.get(9_999));
    }

    @Test
    void malformedInputFailsWithFileLineAndContent() throws IOException {
        Path csv = Files.writeString(dir.resolve("bad.csv"), "1\n2\nnot-a-page\n");
        TraceReplaySource feed = TraceReplaySource.open(csv, TraceFormat.CSV, "vm");
        TraceFormatException e = assertThrows(TraceFormatException.class, () -> replay(feed, 100));
        assertEquals(3, e.line());
        assertTrue(e.getMessage().contains("bad.csv"), e.getMessage());
        assertTrue(e.getMessage().contains("not-a-page"), e.getMessage());
    }

    @Test
    void aMissingTraceIsReportedByName() {
        NoSuchFileException e = assertThrows(NoSuchFileException.class,
                () -> TraceReplaySource.open(dir.resolve("nope.csv"), null, null));
        assertTrue(e.getMessage().contains("nope.csv"));
    }

    @Test
    void theDefaultVmIdIsTheFileNameUpToItsFirstDot() {
        assertEquals("web1", TraceReplaySource.defaultVmId(Path.of("/x/web1.csv.gz")));
        assertEquals("db", TraceReplaySource.defaultVmId(Path.of("db")));
    }
}
