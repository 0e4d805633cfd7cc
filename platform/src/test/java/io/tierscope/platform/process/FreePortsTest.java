package io.tierscope.platform.process;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FreePortsTest {

    @Test
    void resolveKeepsFixedPortsAndPicksForZero() {
        assertEquals(12345, FreePorts.resolve(12345));
        int picked = FreePorts.resolve(0);
        assertTrue(picked > 0 && picked <= 65_535);
        FreePorts.requireFree(picked, "test");
    }

    @Test
    void portInUseIsReportedWithItsUser() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> FreePorts.requireFree(taken.getLocalPort(), "schema registry"));
            assertTrue(e.getMessage().contains(Integer.toString(taken.getLocalPort())) && e.getMessage().contains("schema registry"),
                    e.getMessage());
        }
    }

    @Test
    void pickManyGivesDistinctPorts() {
        int[] ports = FreePorts.pick(5);
        assertEquals(5, java.util.Arrays.stream(ports).distinct().count());
    }
}
