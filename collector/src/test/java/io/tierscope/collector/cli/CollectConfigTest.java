package io.tierscope.collector.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CollectConfigTest {

    private static CollectConfig parse(String text) throws IOException {
        return CollectConfig.parse(new BufferedReader(new StringReader(text)), "host.conf");
    }

    @Test
    void settingsAndVmLinesAreRead() throws IOException {
        CollectConfig c = parse("""
                # a host
                bootstrap-servers = k1:9092,k2:9092
                buffer-mb=256

                vm web-1 synthetic shape=zipf:pages=1000,s=0.9 rate=500
                vm db-1  trace     file=/t/db.csv.gz format=csv
                vm p7    ept       pid=42 rate=1000 xwr=rw
                vm p7    idle      pid=42 period=500
                vm p7    soft-dirty pid=42
                """);
        assertEquals(Map.of("bootstrap-servers", "k1:9092,k2:9092", "buffer-mb", "256"), c.settings());
        assertEquals(5, c.vms().size());
        VmSource web = c.vms().get(0);
        assertEquals("web-1", web.vmId());
        assertEquals(SourceKind.SYNTHETIC, web.kind());
        assertEquals("zipf:pages=1000,s=0.9", web.param("shape", null));
        assertEquals(500, web.doubleParam("rate", 0));
        assertEquals("host.conf:5", web.origin());
        assertEquals(SourceKind.SOFT_DIRTY, c.vms().get(4).kind());
        assertEquals(42, c.vms().get(3).longParam("pid", 0));
    }

    @Test
    void everyErrorNamesFileAndLine() {
        assertError("host.conf:2: unknown setting 'bufer-mb'", "# x\nbufer-mb = 3\n");
        assertError("host.conf:1: expected 'setting = value' or 'vm ID SOURCE key=value...', got 'hello'", "hello\n");
        assertError("host.conf:1: expected 'vm ID SOURCE key=value...'", "vm lonely\n");
        assertError("host.conf:1: unknown source 'qemu'", "vm a qemu pid=1\n");
        assertError("host.conf:1: source trace has no key 'pid'", "vm a trace pid=1\n");
        assertError("host.conf:1: expected key=value, got 'fast'", "vm a synthetic fast\n");
        assertError("host.conf:2: VM a already has a sample source (synthetic at host.conf:1)",
                "vm a synthetic\nvm a trace file=x\n");
        assertError("host.conf:2: VM a has idle twice", "vm a idle pid=1\nvm a idle pid=1\n");
        assertError("host.conf:2: setting 'host' given twice", "host=a\nhost=b\n");
    }

    @Test
    void missingOrMalformedValuesAreReportedWithTheirOrigin() throws IOException {
        VmSource v = parse("vm a ept rate=fast\n").vms().get(0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> v.required("pid"));
        assertEquals("host.conf:1: VM a (ept) needs pid=...", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> v.longParam("rate", 1));
        assertEquals("host.conf:1: VM a: rate must be an integer, got 'fast'", e.getMessage());
    }

    private static void assertError(String expected, String text) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(text));
        assertTrue(e.getMessage().startsWith(expected), e.getMessage());
    }
}
