package io.tierscope.workload;

import java.io.Closeable;
import java.io.IOException;

/**
 * A stream of page accesses read batch by batch (trace files, synthetic generators).
 *
 * <p>{@link #read} clears the batch, fills it with up to {@code batch.capacity()} accesses and
 * returns how many; 0 means the stream has ended. VM indexes in the batch refer to this reader's
 * VM-name table, which only grows while reading.
 */
public interface AccessReader extends Closeable {

    int read(AccessBatch batch) throws IOException;

    /** Number of VM names known so far. */
    int vmCount();

    /** Name of the VM with table index {@code index} ({@code 0 <= index < vmCount()}). */
    String vmName(int index);

    /** Name used for accesses of traces that carry no VM column. */
    String DEFAULT_VM = "default";
}
