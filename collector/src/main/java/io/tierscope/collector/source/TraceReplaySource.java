package io.tierscope.collector.source;

import io.tierscope.workload.AccessBatch;
import io.tierscope.workload.AccessReader;
import io.tierscope.workload.trace.ReadProgress;
import io.tierscope.workload.trace.TraceFormat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Replays one trace file (csv, valgrind lackey or the binary format; gzip transparently, via
 * the workloads module's readers) as a {@link SampleFeed}. A trace without a VM column becomes
 * the VM {@code vmId}; a trace with one keeps its VM names. Several traces are several feeds
 * (one pump each), so several VMs replay side by side. Rate control is the collector's
 * {@link Pacer}: trace formats carry no timestamps, so "real time" is the rate the user gives.
 */
public final class TraceReplaySource implements SampleFeed {
    private final AccessReader reader;
    private final String vmId;
    private final String source;
    private final ReadProgress progress;
    private AccessBatch batch;

    /**
     * @param reader an open trace reader (owned: closed with this feed)
     * @param vmId   the VM id for accesses without a VM column
     * @param source what to call the trace in messages (its path)
     */
    public TraceReplaySource(AccessReader reader, String vmId, String source) {
        this(reader, vmId, source, null);
    }

    private TraceReplaySource(AccessReader reader, String vmId, String source, ReadProgress progress) {
        this.reader = reader;
        this.vmId = SampleFeeds.requireVmId(vmId);
        this.source = source;
        this.progress = progress;
    }

    /**
     * Opens {@code trace}; {@code format} null means detect it (extension, then content).
     * {@code vmId} null means the file name without its extensions (e.g. {@code web1} for
     * {@code web1.csv.gz}).
     */
    public static TraceReplaySource open(Path trace, TraceFormat format, String vmId) throws IOException {
        if (!Files.isRegularFile(trace)) {
            throw new NoSuchFileException(trace.toString(), null, "trace file not found or not a regular file");
        }
        TraceFormat f = format != null ? format : TraceFormat.detect(trace);
        ReadProgress progress = ReadProgress.forFile(trace);
        return new TraceReplaySource(f.open(trace, progress), vmId != null ? vmId : defaultVmId(trace), trace.toString(),
                progress);
    }

    /** How far the replay is through its file; null for a feed over a reader rather than a file. */
    public ReadProgress progress() {
        return progress;
    }

    /** The file name up to its first dot: the VM id of a trace given without one. */
    public static String defaultVmId(Path trace) {
        String name = trace.getFileName().toString();
        int dot = name.indexOf('.');
        String stem = dot > 0 ? name.substring(0, dot) : name;
        return stem.isBlank() ? "trace" : stem;
    }

    @Override
    public int read(AccessBatch block) throws IOException {
        if (batch == null || batch.capacity() != block.capacity()) {
            batch = new AccessBatch(block.capacity());
        }
        int n = reader.read(batch);
        if (n == 0) {
            block.setSize(0);
            return END_OF_STREAM;
        }
        System.arraycopy(batch.gfn, 0, block.gfn, 0, n);
        System.arraycopy(batch.xwr, 0, block.xwr, 0, n);
        System.arraycopy(batch.vm, 0, block.vm, 0, n);
        block.setSize(n);
        return n;
    }

    @Override
    public int vmCount() {
        return reader.vmCount();
    }

    @Override
    public String vmId(int index) {
        String name = reader.vmName(index);
        return AccessReader.DEFAULT_VM.equals(name) ? vmId : name;
    }

    @Override
    public boolean live() {
        return false;
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }

    @Override
    public String toString() {
        return "trace " + source + " (VM " + vmId + ")";
    }
}
