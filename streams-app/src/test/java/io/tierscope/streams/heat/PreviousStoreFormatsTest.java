package io.tierscope.streams.heat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tierscope.analytics.heat.GapPolicy;
import io.tierscope.analytics.heat.SampledPeriod;
import io.tierscope.streams.window.VmWindow;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Store values exactly as the release before the window tracker wrote them (bytes captured from
 * that code): a state dir or changelog of that release must still restore.
 */
class PreviousStoreFormatsTest {
    /** heat-chunks: fsm5 chunk at gfn 128 of 20 pages, scan 3 at 5000 ms touched pages 1 and 19 (19 written). */
    static final String STORED_CHUNK_V1 = "01010000000000001388000000000000000000000003020008000008010466736d35000000000000008000000014"
            + "0000000000000003012000000000000000002000000000000000000020";
    /** heat-sample-periods, format 1 (distinct pages only): period 7, page 3 read, page 70 written. */
    static final String SAMPLE_PERIOD_V1 = "01" + "0000000000000007" + "00000002" + "0000000000000006" + "000000000000008d";
    /** heat-vms: open window 60000, nothing summarised, last event 61500, 4 applied, 1 duplicate, 2 late, gap 3. */
    static final String VM_HEAT_PROGRESS = "000000000000ea600000000000000000000000000000f03c000000000000000400000000000000010000000000000002"
            + "0000000000000003";
    /** mrc-windows: open window 120000, emitted up to 120000, 2 late batches. */
    static final String MRC_WINDOW_STATE_V1 = "01000000000001d4c0000000000001d4c00000000000000002";
    /** ingest-vm-progress: emitted up to 60000, 3 late batches. */
    static final String VM_WINDOW_PROGRESS = "000000000000ea600000000000000003";

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    @Test
    void storedChunkOfThePreviousReleaseRestores() {
        StoredChunk chunk = StoredChunk.fromBytes("vm#1", hex(STORED_CHUNK_V1), GapPolicy.IDLE);
        assertEquals(5_000, chunk.lastScanTimeMs);
        assertEquals(0, chunk.windowStartMs);
        assertTrue(chunk.unpublished);
        assertArrayEquals(new byte[] {2, 0, 8}, chunk.touched);
        assertArrayEquals(new byte[] {0, 0, 8}, chunk.written);
        assertEquals(3, chunk.heat().lastScanSeq());
        assertEquals(128, chunk.heat().baseGfn());
        assertEquals(20, chunk.heat().pageCount());
        assertEquals(2, chunk.heat().accessStates()[1]);
        assertEquals(2, chunk.heat().accessStates()[19]);
        assertEquals(2, chunk.heat().writeStates()[19]);
        assertArrayEquals(hex(STORED_CHUNK_V1), chunk.toBytes(), "the chunk format itself is unchanged");
    }

    @Test
    void storedChunkOfThePreviousReleaseRestoresThroughTheStoreSerde() {
        StoredChunk chunk = StoredChunk.serde(GapPolicy.IDLE).deserializer().deserialize("t", hex(STORED_CHUNK_V1));
        assertEquals(3, chunk.heat().lastScanSeq());
        assertArrayEquals(hex(STORED_CHUNK_V1), StoredChunk.serde(GapPolicy.IDLE).serializer().serialize("t", chunk));
    }

    @Test
    void openSamplePeriodOfThePreviousFormatRestoresWithOneSampleAPage() {
        SamplePeriodCodec codec = new SamplePeriodCodec(64);
        SampledPeriod period = codec.decode("vm", hex(SAMPLE_PERIOD_V1));
        assertEquals(7, period.index());
        assertEquals(2, period.distinctEntries());
        int[] counts = period.counts(1);
        assertEquals(1, counts[6]);
        assertEquals(1, period.counts(0)[3]);
        assertEquals(null, period.counts(2));
        assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 0}, period.dirty(0), "page 3 was read only");
        SampledPeriod again = codec.decode("vm", codec.encode(period));
        assertEquals(1, again.counts(1)[6], "rewritten in format 2");
    }

    @Test
    void heatProgressOfThePreviousReleaseRestores() {
        VmWindow w = window(VM_HEAT_PROGRESS);
        assertEquals(new VmWindow(60_000, 0, 61_500, 2, 4, 1, 3), w);
        VmWindow summarised = window("000000000000ea60000000000000fde8000000000000f03c" + "0".repeat(64));
        assertEquals(new VmWindow(VmWindow.NO_WINDOW, 65_000, 61_500, 0, 0, 0, 0), summarised,
                "a window already summarised is not open");
    }

    @Test
    void mrcWindowStateOfThePreviousReleaseRestores() {
        assertEquals(new VmWindow(120_000, 120_000, Long.MIN_VALUE, 2, 0, 0, 0), window(MRC_WINDOW_STATE_V1));
    }

    @Test
    void ingestProgressOfThePreviousReleaseRestores() {
        assertEquals(new VmWindow(VmWindow.NO_WINDOW, 60_000, Long.MIN_VALUE, 3, 0, 0, 0), window(VM_WINDOW_PROGRESS));
    }

    private static VmWindow window(String hex) {
        return VmWindow.serde().deserializer().deserialize("t", hex(hex));
    }
}
