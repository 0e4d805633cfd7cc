package io.tierscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class StatusLineTest {
    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final StringWriter text = new StringWriter();

    @Test
    void onATerminalOneLineIsRewrittenInPlaceAndErasedAtTheEnd() {
        StatusLine status = new StatusLine(new PrintWriter(text), true, clock::get);
        assertEquals(false, status.update("too early"));
        clock.addAndGet(StatusLine.TERMINAL_EVERY_MS);
        status.update("mrc:  10% of 5.0 MB");
        clock.addAndGet(StatusLine.TERMINAL_EVERY_MS);
        status.update("mrc:  20%");
        status.println("a line of its own");
        clock.addAndGet(StatusLine.TERMINAL_EVERY_MS);
        status.update("mrc:  30%");
        status.finish();
        String nl = System.lineSeparator();
        assertEquals("\rmrc:  10% of 5.0 MB" + "\rmrc:  20%          " // padded over the longer line
                + "\r" + " ".repeat(9) + "\r" + "a line of its own" + nl
                + "\rmrc:  30%" + "\r" + " ".repeat(9) + "\r", text.toString());
    }

    @Test
    void redirectedItPrintsAPlainLineNowAndThen() {
        StatusLine status = new StatusLine(new PrintWriter(text), false, clock::get);
        for (int i = 1; i <= 40; i++) {
            clock.addAndGet(StatusLine.TERMINAL_EVERY_MS);
            status.update("collect: " + i);
        }
        status.finish();
        String nl = System.lineSeparator();
        assertEquals("collect: 20" + nl + "collect: 40" + nl, text.toString());
    }

    @Test
    void fileProgressSaysHowFarAndWhenItEnds() {
        assertEquals(" 25% of 4.0 MB, ETA 0:30", StatusLine.fileProgress(1_000_000, 4_000_000, 10_000));
        assertEquals("  0% of 4.0 MB", StatusLine.fileProgress(0, 4_000_000, 10_000));
        assertEquals(" 50% of 4.0 MB", StatusLine.fileProgress(2_000_000, 4_000_000, 500), "no ETA in the first second");
        assertEquals("100% of 1.50 GB", StatusLine.fileProgress(1_500_000_000L, 1_500_000_000L, 60_000));
        assertEquals("1:02:03", StatusLine.clock(3_723_000));
        assertEquals("0:59", StatusLine.clock(59_999));
    }
}
