package io.tierscope.streams.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.avro.AdScan;
import io.tierscope.avro.ScanSource;
import io.tierscope.schemas.ScanRuns;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

class AdScanDeserializerTest {

    private static AdScan.Builder scan(int pageCount) {
        return AdScan.newBuilder().setVmId("vm").setHost("h").setSource(ScanSource.SYNTHETIC).setScanSeq(1)
                .setTimeMs(1000).setPeriodMs(1000).setBaseGfn(0).setPageCount(pageCount);
    }

    @Test
    void runsBecomeTheBitmapsAnOlderCollectorWouldHaveSent() {
        byte[] accessed = new byte[128];
        accessed[3] = (byte) 0x81;
        accessed[100] = (byte) 0xFF;
        byte[] dirty = new byte[128];
        dirty[100] = 0x0F;
        AdScan read = AdScanDeserializer.withBitmaps(scan(1024).setAccessed(ByteBuffer.allocate(0))
                .setAccessedRuns(ByteBuffer.wrap(ScanRuns.encodeIfSmaller(accessed, 1024)))
                .setDirtyRuns(ByteBuffer.wrap(ScanRuns.encodeIfSmaller(dirty, 1024))).build());
        assertEquals(ByteBuffer.wrap(accessed), read.getAccessed());
        assertEquals(ByteBuffer.wrap(dirty), read.getDirty());
        assertNull(read.getAccessedRuns());
        assertNull(read.getDirtyRuns());
        assertNull(InputChecks.adScan("vm", read), "the expanded scan passes the input checks");
    }

    @Test
    void aBitmapScanIsLeftAlone() {
        AdScan bitmap = scan(8).setAccessed(ByteBuffer.wrap(new byte[] {5})).build();
        assertEquals(ByteBuffer.wrap(new byte[] {5}), AdScanDeserializer.withBitmaps(bitmap).getAccessed());
        assertNull(bitmap.getDirty());
    }

    @Test
    void badRunsFailTheDecodeWithAReason() {
        IllegalArgumentException past = assertThrows(IllegalArgumentException.class, () -> AdScanDeserializer.withBitmaps(
                scan(64).setAccessed(ByteBuffer.allocate(0)).setAccessedRuns(ByteBuffer.wrap(new byte[] {60, 5})).build()));
        assertTrue(past.getMessage().startsWith("accessedRuns: runs reach page 65"), past.getMessage());
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class, () -> AdScanDeserializer.withBitmaps(
                scan(8).setAccessed(ByteBuffer.wrap(new byte[] {1})).setAccessedRuns(ByteBuffer.wrap(new byte[] {0, 1})).build()));
        assertTrue(both.getMessage().contains("both"), both.getMessage());
    }
}
