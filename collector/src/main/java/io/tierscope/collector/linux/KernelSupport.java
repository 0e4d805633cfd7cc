package io.tierscope.collector.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;
import io.tierscope.nativeaccess.EptSampleAbi;
import io.tierscope.nativeaccess.LibC;
import io.tierscope.nativeaccess.NativeError;
import io.tierscope.nativeaccess.NativeFile;
import io.tierscope.nativeaccess.NativeIOException;
import io.tierscope.nativeaccess.NativeOperation;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * Finds out which page-access interfaces this host offers, each answer with the exact reason.
 * Probes only read kernel interfaces, and touch only memory this process maps for the probe;
 * they never write global kernel knobs.
 */
public final class KernelSupport {
    /** One answer: is {@code feature} usable here, and why (or why not). */
    public record Check(String feature, boolean supported, String reason) {
        @Override
        public String toString() {
            return feature + ": " + (supported ? "yes" : "no") + " - " + reason;
        }
    }

    /** CAP_SYS_ADMIN's bit in the CapEff mask (linux/capability.h). */
    private static final int CAP_SYS_ADMIN = 21;

    private final LibC libc;
    private final Path kernelConfig;
    private final Path selfStatus;

    /**
     * @param kernelConfig the kernel's build config (/proc/config.gz, gzip or plain text), read to
     *                     name the missing option; may be absent
     * @param selfStatus   /proc/self/status, read for the effective capabilities
     */
    public KernelSupport(LibC libc, Path kernelConfig, Path selfStatus) {
        this.libc = libc;
        this.kernelConfig = kernelConfig;
        this.selfStatus = selfStatus;
    }

    public static KernelSupport ofThisHost(LibC libc) {
        return new KernelSupport(libc, Path.of("/proc/config.gz"), Path.of("/proc/self/status"));
    }

    /** All checks with default paths. */
    public List<Check> all() {
        return List.of(eptDevice(EptSampleAbi.DEFAULT_DEVICE), pageIdle(IdlePageTracker.DEFAULT_BITMAP),
                pagemapPfns(), softDirty());
    }

    /** Is the kvm-ept-sample device at {@code path} present and openable? Opening has no side effect. */
    public Check eptDevice(String path) {
        String feature = "kvm-ept-sample device " + path;
        try {
            NativeFile.open(libc, path, LibC.O_RDWR,
                    NativeOperation.EPT_OPEN, NativeOperation.EPT_READ, NativeOperation.EPT_READ).close();
            return new Check(feature, true, "present and opens read-write");
        } catch (NativeIOException e) {
            return new Check(feature, false, e.getMessage());
        }
    }

    /** Is idle page tracking available: the bitmap present, readable and openable for writing? */
    public Check pageIdle(String bitmapPath) {
        String feature = "idle page tracking " + bitmapPath;
        if (!Files.exists(Path.of(bitmapPath))) {
            return new Check(feature, false, bitmapPath + " does not exist: " + configReason("CONFIG_IDLE_PAGE_TRACKING",
                    "idle page tracking"));
        }
        try (NativeFile f = NativeFile.open(libc, bitmapPath, LibC.O_RDWR,
                NativeOperation.PAGE_IDLE_OPEN, NativeOperation.PAGE_IDLE_READ, NativeOperation.PAGE_IDLE_WRITE);
             com.sun.jna.Memory word = new com.sun.jna.Memory(Long.BYTES)) {
            long got = f.preadFully(word, Long.BYTES, 0);
            if (got != Long.BYTES) {
                return new Check(feature, false, bitmapPath + " returned " + got + " bytes for its first word");
            }
            return new Check(feature, true, "present, readable, opens for writing");
        } catch (NativeIOException e) {
            return new Check(feature, false, e.getMessage());
        }
    }

    /** Does /proc/PID/pagemap show real PFNs to this process (needs CAP_SYS_ADMIN)? */
    public Check pagemapPfns() {
        String feature = "pagemap PFNs";
        try {
            long entry = probeFreshPage();
            if (!PagemapReader.isPresent(entry)) {
                return new Check(feature, false, "a page this process just wrote is not present in /proc/self/pagemap");
            }
            if (PagemapReader.pfn(entry) != 0) {
                return new Check(feature, true, "present pages show non-zero PFNs");
            }
            return new Check(feature, false, "present pages show PFN 0: reading PFNs needs CAP_SYS_ADMIN, which this"
                    + " process " + (hasCapability(CAP_SYS_ADMIN).orElse(false) ? "has (a kernel policy hides them)"
                    : "lacks: run the collector as root"));
        } catch (IOException e) {
            return new Check(feature, false, e.getMessage());
        }
    }

    /**
     * Does the kernel track soft-dirty bits? A freshly mapped and written page is soft-dirty when
     * the kernel supports it (new mappings start soft-dirty), so no clear_refs is needed to find out.
     */
    public Check softDirty() {
        String feature = "soft-dirty (clear_refs 4 + pagemap bit 55)";
        try {
            long entry = probeFreshPage();
            if (PagemapReader.isSoftDirty(entry)) {
                return new Check(feature, true, "a freshly written page shows soft-dirty bit 55");
            }
            return new Check(feature, false, "a freshly written page does not show pagemap bit 55: "
                    + configReason("CONFIG_MEM_SOFT_DIRTY", "soft-dirty tracking"));
        } catch (IOException e) {
            return new Check(feature, false, e.getMessage());
        }
    }

    /** Maps one fresh anonymous page, writes it, and returns its /proc/self/pagemap entry. */
    private long probeFreshPage() throws IOException {
        long size = PagemapReader.PAGE_SIZE;
        Pointer page;
        try {
            page = libc.mmap(null, size, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_PRIVATE | LibC.MAP_ANONYMOUS, -1, 0);
        } catch (LastErrorException e) {
            throw NativeError.of(libc, NativeOperation.MMAP, "one probe page", e);
        }
        try (PagemapReader pagemap = PagemapReader.open(libc, "/proc/self/pagemap")) {
            page.setByte(0, (byte) 1);
            long[] entry = new long[1];
            pagemap.read(Pointer.nativeValue(page), 1, entry);
            return entry[0];
        } finally {
            libc.munmap(page, size);
        }
    }

    /** Why a feature behind {@code option} is missing, as precisely as the kernel config tells. */
    String configReason(String option, String what) {
        Optional<String> line = configLine(option);
        if (line.isEmpty()) {
            return "the kernel lacks " + what + "; it needs " + option + "=y (" + kernelConfig
                    + " not readable or silent about it, so the option could not be confirmed)";
        }
        String l = line.get();
        if (l.startsWith("# " + option + " is not set")) {
            return "the kernel was built without " + what + " (" + kernelConfig + ": '" + l + "'); it needs " + option + "=y";
        }
        return "the kernel config has '" + l + "' but " + what + " is not usable: check that /sys is mounted"
                + " and that this process runs as root";
    }

    private Optional<String> configLine(String option) {
        try (InputStream raw = Files.newInputStream(kernelConfig);
             InputStream in = kernelConfig.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
             BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String l; (l = r.readLine()) != null; ) {
                if (l.startsWith(option + "=") || l.equals("# " + option + " is not set")) {
                    return Optional.of(l);
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            // No config to read (common: CONFIG_IKCONFIG_PROC off); the caller says it could not confirm.
            return Optional.empty();
        }
    }

    /** Whether the effective capability set in {@code selfStatus} holds {@code cap}; empty if unknown. */
    Optional<Boolean> hasCapability(int cap) {
        try {
            for (String l : Files.readAllLines(selfStatus, StandardCharsets.UTF_8)) {
                if (l.startsWith("CapEff:")) {
                    long mask = Long.parseUnsignedLong(l.substring(7).strip(), 16);
                    return Optional.of((mask >>> cap & 1) != 0);
                }
            }
            return Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }
}
