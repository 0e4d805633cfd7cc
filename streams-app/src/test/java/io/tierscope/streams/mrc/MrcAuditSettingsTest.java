package io.tierscope.streams.mrc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.streams.StreamsAppConfig;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MrcAuditSettingsTest {
    @Test
    void offByDefault() {
        MrcAuditSettings audit = StreamsAppConfig.from(Map.of()).mrc().audit();
        assertFalse(audit.enabled());
        assertFalse(audit.audits("vm-1"));
        assertEquals(MrcAuditSettings.DEFAULT_MAX_PAGES, audit.maxPages());
    }

    @Test
    void listOfVms() {
        MrcAuditSettings audit = StreamsAppConfig.from(Map.of(MrcSettings.MRC_AUDIT, " vm-1, vm-7 ,",
                MrcSettings.MRC_AUDIT_MAX_PAGES, "5000")).mrc().audit();
        assertEquals(Set.of("vm-1", "vm-7"), audit.vms());
        assertTrue(audit.audits("vm-7"));
        assertFalse(audit.audits("vm-2"));
        assertEquals(5000, audit.maxPages());
    }

    /** A fraction picks that share of VMs, the same ones every time. */
    @Test
    void fractionOfVms() {
        MrcAuditSettings audit = MrcAuditSettings.parse("k", "0.1", 100);
        int audited = 0;
        for (int i = 0; i < 20_000; i++) {
            audited += audit.audits("vm-" + i) ? 1 : 0;
        }
        assertEquals(2000, audited, 150);
        assertEquals(audit.audits("vm-42"), MrcAuditSettings.parse("k", "0.1", 100).audits("vm-42"));
        assertTrue(MrcAuditSettings.parse("k", "1", 100).audits("any"));
        assertFalse(MrcAuditSettings.parse("k", "0", 100).enabled());
    }

    @Test
    void badValuesNameTheSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StreamsAppConfig.from(Map.of(MrcSettings.MRC_AUDIT, "1.5")));
        assertTrue(e.getMessage().startsWith(MrcSettings.MRC_AUDIT), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> StreamsAppConfig.from(Map.of(MrcSettings.MRC_AUDIT_MAX_PAGES, "0")));
        assertTrue(e.getMessage().startsWith(MrcSettings.MRC_AUDIT_MAX_PAGES), e.getMessage());
    }
}
