package io.tierscope.collector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.collector.produce.MetricsSnapshot;
import io.tierscope.collector.source.TraceReplaySource;
import io.tierscope.workload.AccessBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The words of collect's status line: counters and rate, and how far trace replay is through its files. */
class CollectStatusTest {
    @Test
    void statusLineShowsCountersRateAndTraceProgress(@TempDir Path dir) throws Exception {
        Path trace = dir.resolve("web.csv");
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            csv.append(i % 977).append('\n');
        }
        Files.writeString(trace, csv);
        try (TraceReplaySource replay = TraceReplaySource.open(trace, null, null)) {
            MetricsSnapshot m = new MetricsSnapshot(20_000, 400_000, 0, 390_000, 0, 0, 0, 100, 0, 0, 0, 0, 0, 0, 1_500_000,
                    0, 0, 0, 0, 0, 0, 0, 0, 0);
            // Opening reads ahead a buffer (to tell gzip apart), so the start is not quite 0%.
            String line = CollectCommand.statusText(m, List.of(replay.progress()));
            assertTrue(line.matches("collect: 0:20  read 400,000 \\(20,000/s\\)  published 390,000  lost 0  buffer 1\\.5 MB;"
                    + " trace \\d+% of 0\\.4 MB, ETA \\d+:\\d\\d"), line);
            AccessBatch batch = new AccessBatch(4096);
            while (replay.read(batch) > 0) {
                // to the end of the file
            }
            assertEquals("; trace 100% of 0.4 MB", CollectCommand.traceProgress(List.of(replay.progress()), 20_000));
        }
        assertEquals("", CollectCommand.traceProgress(List.of(), 20_000), "no trace, no progress");
    }
}
