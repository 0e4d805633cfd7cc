package io.tierscope.workload.trace;

import io.tierscope.workload.AccessBatch;
import io.tierscope.workload.AccessReader;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Writes the {@link BinaryTrace} format. Not thread-safe. */
public final class BinaryTraceWriter implements Closeable {
    private final OutputStream out;
    private final Map<String, Integer> vmIndex = new HashMap<>();
    private final List<String> names = new ArrayList<>();
    // Writer index -> index in the file (VMs are defined in the file in order of first write).
    private int[] fileIndex = new int[4];
    private long[] previous = new long[4];
    private int definedInFile;
    private int currentVm = -1;

    public BinaryTraceWriter(OutputStream out) throws IOException {
        this.out = new BufferedOutputStream(out, 1 << 16);
        this.out.write(BinaryTrace.MAGIC);
        this.out.write(BinaryTrace.VERSION);
    }

    /** The writer's index for VM {@code name}, registering it on first use. */
    public int vm(String name) {
        Integer known = vmIndex.get(name);
        if (known != null) {
            return known;
        }
        int index = names.size();
        names.add(name);
        vmIndex.put(name, index);
        if (fileIndex.length <= index) {
            fileIndex = Arrays.copyOf(fileIndex, index * 2);
            previous = Arrays.copyOf(previous, index * 2);
        }
        fileIndex[index] = -1;
        return index;
    }

    /** Writes one access of the VM with writer index {@code vm} (from {@link #vm(String)}). */
    public void write(long gfn, int xwr, int vm) throws IOException {
        if (gfn < 0) {
            throw new IllegalArgumentException("negative page number " + gfn);
        }
        if (vm < 0 || vm >= names.size()) {
            throw new IllegalArgumentException("unknown VM index " + vm + "; register it with vm(name)");
        }
        int control = xwr & BinaryTrace.XWR_MASK;
        if (vm != currentVm) {
            out.write(control | BinaryTrace.VM_FOLLOWS);
            writeVmRef(vm);
            currentVm = vm;
        } else {
            out.write(control);
        }
        writeVarint(BinaryTrace.zigzag(gfn - previous[vm]));
        previous[vm] = gfn;
    }

    /** Writes every access of {@code batch}, whose VM indexes refer to {@code names}' table. */
    public void write(AccessBatch batch, AccessReader reader) throws IOException {
        for (int i = 0; i < batch.size(); i++) {
            write(batch.gfn[i], batch.xwr[i], vm(reader.vmName(batch.vm[i])));
        }
    }

    private void writeVmRef(int vm) throws IOException {
        if (fileIndex[vm] >= 0) {
            writeVarint(fileIndex[vm]);
            return;
        }
        fileIndex[vm] = definedInFile++;
        writeVarint(fileIndex[vm]);
        byte[] utf8 = names.get(vm).getBytes(StandardCharsets.UTF_8);
        writeVarint(utf8.length);
        out.write(utf8);
    }

    private void writeVarint(long v) throws IOException {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
