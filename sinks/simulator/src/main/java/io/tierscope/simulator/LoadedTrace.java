package io.tierscope.simulator;

import io.tierscope.workload.AccessBatch;
import io.tierscope.workload.AccessReader;
import java.io.IOException;
import java.util.Arrays;

/**
 * A whole trace in memory as dense page indices (in order of first touch: traces hold sparse
 * addresses, lackey's are virtual) with their access bits. Every VM column of the trace counts as
 * the one VM (the simulator runs one VM per trace file).
 */
record LoadedTrace(String name, int[] pages, byte[] xwr, int length, int pageCount) {

    static LoadedTrace read(String name, AccessReader reader, long maxAccesses) throws IOException {
        AccessBatch batch = new AccessBatch(1 << 14);
        int[] pages = new int[1 << 16];
        byte[] xwr = new byte[1 << 16];
        int length = 0;
        DenseIds ids = new DenseIds();
        int n;
        while (length < maxAccesses && (n = reader.read(batch)) > 0) {
            n = (int) Math.min(n, maxAccesses - length);
            if (length + n > pages.length) {
                int grown = (int) Math.min(Integer.MAX_VALUE - 8, Math.max((long) pages.length * 2, length + n));
                if (grown < length + n) {
                    throw new IOException("trace " + name + " has more than " + length + " accesses; use --max-accesses");
                }
                pages = Arrays.copyOf(pages, grown);
                xwr = Arrays.copyOf(xwr, grown);
            }
            for (int i = 0; i < n; i++) {
                pages[length] = ids.idOf(batch.gfn[i]);
                xwr[length++] = batch.xwr[i];
            }
        }
        return new LoadedTrace(name, pages, xwr, length, ids.size());
    }

    /** Open-addressing map from a sparse page number to a dense index (first touch first). */
    private static final class DenseIds {
        private long[] keys = new long[1 << 16];
        private int[] values = new int[1 << 16];
        private int size;

        int size() {
            return size;
        }

        int idOf(long page) {
            long key = page + 1; // 0 marks an empty slot
            int mask = keys.length - 1;
            int slot = (int) (mix(key) & mask);
            while (keys[slot] != 0) {
                if (keys[slot] == key) {
                    return values[slot];
                }
                slot = (slot + 1) & mask;
            }
            keys[slot] = key;
            values[slot] = size++;
            if (size * 2 > keys.length) {
                grow();
            }
            return size - 1;
        }

        private void grow() {
            long[] oldKeys = keys;
            int[] oldValues = values;
            keys = new long[oldKeys.length * 2];
            values = new int[oldKeys.length * 2];
            int mask = keys.length - 1;
            for (int i = 0; i < oldKeys.length; i++) {
                if (oldKeys[i] != 0) {
                    int slot = (int) (mix(oldKeys[i]) & mask);
                    while (keys[slot] != 0) {
                        slot = (slot + 1) & mask;
                    }
                    keys[slot] = oldKeys[i];
                    values[slot] = oldValues[i];
                }
            }
        }

        private static long mix(long x) {
            x *= 0x9E3779B97F4A7C15L;
            return x ^ (x >>> 29);
        }
    }
}
