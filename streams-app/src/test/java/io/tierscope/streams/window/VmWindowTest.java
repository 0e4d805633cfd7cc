package io.tierscope.streams.window;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class VmWindowTest {
    private static final TumblingWindows WINDOWS = new TumblingWindows(10_000, 0);

    @Test
    void windowStateRoundTripsAndRejectsForeignBytes() {
        VmWindow s = VmWindow.NEW_VM.opened(20_000).seen(21_000).withLate().withLate().counted(true, false, 3);
        byte[] bytes = VmWindow.serde().serializer().serialize("t", s);
        assertEquals(s, VmWindow.serde().deserializer().deserialize("t", bytes));
        assertEquals(new VmWindow(VmWindow.NO_WINDOW, 30_000, 21_000, 0, 0, 0, 0), s.emitted(30_000));
        bytes[0] = 9;
        byte[] foreign = bytes;
        SerializationException e = assertThrows(SerializationException.class,
                () -> VmWindow.serde().deserializer().deserialize("t", foreign));
        assertTrue(e.getMessage().contains("starting with 9"), e.getMessage());
        assertArrayEquals(null, VmWindow.serde().serializer().serialize("t", null));
    }

    @Test
    void inputOfANewerWindowClosesTheOpenOneAndOlderInputIsLate() {
        VmWindow w = VmWindow.NEW_VM;
        assertFalse(w.isLate(WINDOWS, 0), "a new VM's first window");
        w = w.opened(10_000);
        assertTrue(w.closesOpenWindow(20_000));
        assertFalse(w.closesOpenWindow(10_000));
        assertTrue(w.isLate(WINDOWS, 0));
        w = w.emitted(20_000);
        assertTrue(w.isLate(WINDOWS, 10_000), "its window was emitted");
        assertFalse(w.isLate(WINDOWS, 20_000));
    }
}
