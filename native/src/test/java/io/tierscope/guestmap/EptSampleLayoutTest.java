package io.tierscope.guestmap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tierscope.nativeaccess.EptSampleAbi;
import io.tierscope.nativeaccess.LibC;
import io.tierscope.nativeaccess.testing.NativePrograms;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Java side of the kvm-ept-sample ABI against what gcc makes of the module's C declarations. */
class EptSampleLayoutTest {
    @TempDir
    Path dir;

    @Test
    void decoderMatchesGccBitfieldLayout() throws Exception {
        Path program = NativePrograms.compile("ept_samples", dir);
        Path samples = dir.resolve("samples.bin");
        int count = 2000;
        List<String> printed = NativePrograms.run(List.of(program.toString(), samples.toString(), Integer.toString(count)));
        assertEquals(count, printed.size());
        long[] expectedGfn = new long[count];
        byte[] expectedXwr = new byte[count];
        for (int i = 0; i < count; i++) {
            String[] f = printed.get(i).split(" ");
            expectedGfn[i] = Long.parseLong(f[0]);
            expectedXwr[i] = Byte.parseByte(f[1]);
        }
        // Read the file through the device read path, in uneven pieces, like a drained kernel queue.
        long[] gfn = new long[count];
        byte[] xwr = new byte[count];
        int got = 0;
        try (EptSampleDevice device = EptSampleDevice.open(LibC.load(), samples.toString())) {
            for (int n; (n = device.read(gfn, xwr, got, Math.min(333, count - got))) > 0; ) {
                got += n;
            }
        }
        assertEquals(count, got);
        assertArrayEquals(expectedGfn, gfn);
        assertArrayEquals(expectedXwr, xwr);
        assertEquals(0x1FFFFFFF, gfn[1]);
        assertEquals(7, xwr[1]);
    }

    @Test
    void memslotRequestLayoutMatchesGcc() throws Exception {
        Path program = NativePrograms.compile("ept_layout", dir);
        Map<String, Integer> c = new HashMap<>();
        for (String line : NativePrograms.run(List.of(program.toString()))) {
            String[] f = line.split(" ");
            c.put(f[0], Integer.parseInt(f[1]));
        }
        EptSampleAbi.Memslot slot = new EptSampleAbi.Memslot();
        EptSampleAbi.GetMemslots request = new EptSampleAbi.GetMemslots();
        assertEquals(c.get("memslot.size"), slot.size());
        assertEquals(c.get("memslot.gpa"), slot.offsetOf("gpa"));
        assertEquals(c.get("memslot.hva"), slot.offsetOf("hva"));
        assertEquals(c.get("memslot.pageCount"), slot.offsetOf("pageCount"));
        assertEquals(c.get("request.size"), request.size());
        assertEquals(c.get("request.memslots"), request.offsetOf("memslots"));
        assertEquals(c.get("request.capacity"), request.offsetOf("capacity"));
        assertEquals(c.get("request.count"), request.offsetOf("count"));
    }

    @Test
    void decoderSplitsTheWordAtBit29() {
        assertEquals(0x1FFFFFFF, EptSampleDecoder.gfn(0xFFFFFFFF));
        assertEquals(7, EptSampleDecoder.xwr(0xFFFFFFFF));
        assertEquals(0, EptSampleDecoder.gfn(0xE0000000));
        assertEquals(4, EptSampleDecoder.xwr(0x80000000));
        assertEquals(12345, EptSampleDecoder.gfn(12345 | (2 << 29)));
        assertEquals(2, EptSampleDecoder.xwr(12345 | (2 << 29)));
    }
}
