package io.tierscope.collector.linux;

import io.tierscope.collector.source.SampleSource;
import io.tierscope.guestmap.EptSampleDevice;
import io.tierscope.guestmap.MemslotTable;
import io.tierscope.nativeaccess.EptSampleAbi;
import io.tierscope.nativeaccess.LibC;
import java.io.IOException;

/**
 * Samples of one VM from kvm-ept-sample: attaches to the QEMU process, sets the access types and
 * frequency, then drains the kernel queue without blocking. Samples whose gfn lies in no memslot
 * (device memory) are still delivered and counted in {@link #outsideMemslots()}.
 */
public final class EptSampleSource implements SampleSource {
    private final EptSampleDevice device;
    private MemslotTable memslots;
    private long delivered;
    private long outsideMemslots;
    private long fullQueuePolls;

    private EptSampleSource(EptSampleDevice device) {
        this.device = device;
    }

    /**
     * Opens {@code devicePath}, INIT(pid), SET_PROT(xwr), SET_FREQ(hz) and reads the memslots.
     * On failure the device is closed again.
     */
    public static EptSampleSource start(LibC libc, String devicePath, int pid, int xwr, long hz) throws IOException {
        EptSampleDevice device = EptSampleDevice.open(libc, devicePath);
        try {
            device.init(pid);
            device.setProtection(xwr);
            device.setFrequency(hz);
            EptSampleSource source = new EptSampleSource(device);
            source.refreshMemslots();
            return source;
        } catch (IOException | RuntimeException e) {
            try {
                device.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** Re-reads the memslots (after memory hot-plug). */
    public MemslotTable refreshMemslots() throws IOException {
        memslots = device.memslots();
        return memslots;
    }

    public MemslotTable memslots() {
        return memslots;
    }

    /** Reads until {@code max} samples or the kernel queue is empty; never blocks. */
    @Override
    public int poll(long[] gfn, byte[] xwr, int max) throws IOException {
        int total = 0;
        while (total < max) {
            int n = device.read(gfn, xwr, total, max - total);
            if (n == 0) {
                break;
            }
            for (int i = total; i < total + n; i++) {
                if (memslots.slotOf(gfn[i]) < 0) {
                    outsideMemslots++;
                }
            }
            total += n;
        }
        delivered += total;
        if (total >= EptSampleAbi.KERNEL_QUEUE_SAMPLES) {
            // The module queue holds 65536 samples and drops beyond without telling; draining a
            // full queue's worth in one poll means it may have overflowed: poll more often.
            fullQueuePolls++;
        }
        return total;
    }

    /** Samples delivered so far. */
    public long delivered() {
        return delivered;
    }

    /** Delivered samples whose gfn was in no memslot. */
    public long outsideMemslots() {
        return outsideMemslots;
    }

    /**
     * Polls that drained at least a full kernel queue (65536 samples): the module drops silently
     * beyond that, so each such poll means samples were probably lost. Exact drops are unknown,
     * hence {@link #takeDropped()} stays 0.
     */
    public long fullQueuePolls() {
        return fullQueuePolls;
    }

    /** SET_FREQ(0), DEINIT, close. */
    @Override
    public void close() throws IOException {
        try {
            device.setFrequency(0);
        } finally {
            device.close();
        }
    }
}
