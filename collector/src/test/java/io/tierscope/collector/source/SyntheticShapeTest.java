package io.tierscope.collector.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.workload.synthetic.SyntheticWorkload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SyntheticShapeTest {

    @ParameterizedTest
    @ValueSource(strings = {"zipf:pages=4096,s=1.2", "uniform:pages=4096", "scan:pages=4096", "loop:pages=4096",
            "phases:pages=4096,count=4,perphase=500", "mixed:pages=4096,writes=0.5,exec=0.1"})
    void everyShapeStaysInsideItsSpanWithTheRequestedWriteShare(String spec) {
        SyntheticShape shape = SyntheticShape.parse(spec);
        SyntheticWorkload w = shape.build(3);
        long[] gfn = new long[50_000];
        byte[] xwr = new byte[50_000];
        w.generate(gfn, xwr, 0, gfn.length);
        int writes = 0;
        for (int i = 0; i < gfn.length; i++) {
            assertTrue(gfn[i] >= 0 && gfn[i] < 4096, spec + " produced page " + gfn[i]);
            writes += (xwr[i] & 2) != 0 ? 1 : 0;
        }
        double expected = spec.contains("writes=0.5") ? 0.5 : 0.3;
        assertEquals(expected, writes / 50_000.0, 0.02, spec);
        assertEquals(4096, shape.pages());
    }

    @Test
    void theCanonicalFormRoundTrips() {
        SyntheticShape s = SyntheticShape.parse(" ZIPF:s=0.9, pages=1000 ");
        assertEquals("zipf:pages=1000,s=0.9", s.toString());
        assertEquals(s.toString(), SyntheticShape.parse(s.toString()).toString());
        assertEquals(SyntheticShape.DEFAULT_PAGES, SyntheticShape.parse("loop").pages());
    }

    @Test
    void badSpecsSayWhatIsWrong() {
        assertMessage("unknown synthetic shape 'zapf'", "zapf:pages=10");
        assertMessage("shape loop has no parameter 's'", "loop:s=1");
        assertMessage("expected key=value", "zipf:pages");
        assertMessage("pages must be an integer, got 'lots'", "zipf:pages=lots");
        assertMessage("writes and exec must be >= 0 and sum to <= 1", "uniform:writes=0.8,exec=0.3");
        assertMessage("pages must be in [1,", "scan:pages=0");
    }

    private static void assertMessage(String expected, String spec) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SyntheticShape.parse(spec));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
