package io.tierscope.collector.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.nativeaccess.LibC;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelSupportTest {
    private static final String CONFIG = String.join("\n",
            "CONFIG_PROC_PAGE_MONITOR=y",
            "# CONFIG_MEM_SOFT_DIRTY is not set",
            "CONFIG_PAGE_IDLE_FLAG=y",
            "# CONFIG_IDLE_PAGE_TRACKING is not set",
            "");

    @TempDir
    Path dir;

    @Test
    void missingIdleBitmapNamesTheUnsetOptionFromAGzippedConfig() throws Exception {
        Path config = dir.resolve("config.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(config))) {
            out.write(CONFIG.getBytes(StandardCharsets.UTF_8));
        }
        KernelSupport support = new KernelSupport(LibC.load(), config, Path.of("/proc/self/status"));
        KernelSupport.Check check = support.pageIdle(dir.resolve("no/bitmap").toString());
        assertFalse(check.supported());
        assertTrue(check.reason().contains("built without idle page tracking"), check.reason());
        assertTrue(check.reason().contains("# CONFIG_IDLE_PAGE_TRACKING is not set"), check.reason());
        assertTrue(check.reason().contains("CONFIG_IDLE_PAGE_TRACKING=y"), check.reason());
    }

    @Test
    void withoutAConfigTheReasonSaysItCouldNotConfirm() {
        KernelSupport support = new KernelSupport(LibC.load(), dir.resolve("none"), Path.of("/proc/self/status"));
        String reason = support.configReason("CONFIG_MEM_SOFT_DIRTY", "soft-dirty tracking");
        assertTrue(reason.contains("needs CONFIG_MEM_SOFT_DIRTY=y"), reason);
        assertTrue(reason.contains("could not be confirmed"), reason);
    }

    @Test
    void plainTextConfigIsReadToo() throws Exception {
        Path config = Files.writeString(dir.resolve("config"), CONFIG);
        KernelSupport support = new KernelSupport(LibC.load(), config, Path.of("/proc/self/status"));
        assertTrue(support.configReason("CONFIG_MEM_SOFT_DIRTY", "soft-dirty tracking")
                .contains("'# CONFIG_MEM_SOFT_DIRTY is not set'"));
    }

    @Test
    void bitmapLikeFileCountsAsPresent() throws Exception {
        Path bitmap = Files.write(dir.resolve("bitmap"), new byte[64]);
        KernelSupport.Check check = KernelSupport.ofThisHost(LibC.load()).pageIdle(bitmap.toString());
        assertTrue(check.supported(), check.reason());
    }

    @Test
    void missingEptDeviceSaysWhatToLoad() {
        KernelSupport.Check check = KernelSupport.ofThisHost(LibC.load()).eptDevice(dir.resolve("kvm_ept_sample").toString());
        assertFalse(check.supported());
        assertTrue(check.reason().contains("insmod kvm_ept_sample.ko"), check.reason());
    }

    @Test
    void capabilityMaskIsParsedFromStatus() throws Exception {
        Path status = Files.writeString(dir.resolve("status"), "Name:\tjava\nCapEff:\t0000000000200000\n");
        KernelSupport support = new KernelSupport(LibC.load(), dir.resolve("none"), status);
        assertEquals(Optional.of(true), support.hasCapability(21));
        assertEquals(Optional.of(false), support.hasCapability(19));
    }

    /** On any host: every check answers, and every "no" says why, naming the option where it can. */
    @Test
    void thisHostAnswersEveryCheckWithAReason() {
        List<KernelSupport.Check> checks = KernelSupport.ofThisHost(LibC.load()).all();
        assertEquals(4, checks.size());
        for (KernelSupport.Check c : checks) {
            assertFalse(c.reason().isBlank(), c.toString());
        }
        KernelSupport.Check softDirty = checks.get(3);
        if (!softDirty.supported()) {
            assertTrue(softDirty.reason().contains("CONFIG_MEM_SOFT_DIRTY"), softDirty.reason());
        }
        KernelSupport.Check idle = checks.get(1);
        if (!idle.supported() && !Files.exists(Path.of(IdlePageTracker.DEFAULT_BITMAP))) {
            assertTrue(idle.reason().contains("CONFIG_IDLE_PAGE_TRACKING"), idle.reason());
        }
    }
}
