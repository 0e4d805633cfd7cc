package io.tierscope.analytics.heat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link SampledPeriod} keeps its samples sparse and merges new ones in batches: whatever the order of adds and reads,
 * every chunk's bitmaps and counts must be those of a plain per-page tally of the same samples.
 */
class SampledPeriodMergeTest {
    private static final int CHUNK = 64;
    private static final int PAGES = 1000; // 16 chunks, the last of 40 pages

    @Test
    void manySamplesInterleavedWithReadsGiveAPlainTallysBitmapsAndCounts() {
        Random random = new Random(11);
        SampledPeriod period = new SampledPeriod(CHUNK, PAGES);
        int[] reads = new int[PAGES];
        int[] writes = new int[PAGES];
        long samples = 0;
        for (int round = 0; round < 40; round++) {
            int n = random.nextInt(3_000); // below and past the merge threshold
            for (int i = 0; i < n; i++) {
                int page = random.nextInt(10) < 8 ? random.nextInt(50) : random.nextInt(PAGES); // a hot set and the rest
                int xwr = random.nextInt(8);
                period.add(page, xwr);
                if ((xwr & SampledPeriod.WRITE) != 0) {
                    writes[page]++;
                } else {
                    reads[page]++;
                }
                samples++;
            }
            if (round % 3 == 0) {
                assertMatches(period, reads, writes, samples);
            }
        }
        assertMatches(period, reads, writes, samples);
    }

    @Test
    void aPackedBatchInABufferCountsLikeTheSameSamplesAddedOneByOne() {
        long[] packed = {(3L << 3) | 1, (3L << 3) | 2, (70L << 3) | 4, (3L << 3) | 1};
        ByteBuffer buffer = ByteBuffer.allocate(8 * packed.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long p : packed) {
            buffer.putLong(p);
        }
        buffer.flip();
        SampledPeriod fromBuffer = SampledPeriod.open(5, CHUNK);
        fromBuffer.addPacked(buffer, packed.length);
        assertEquals(0, buffer.position(), "the batch's buffer is not moved");
        SampledPeriod oneByOne = SampledPeriod.open(5, CHUNK);
        oneByOne.addPacked(packed, packed.length);
        assertEquals(5, fromBuffer.index());
        assertEquals(3, fromBuffer.distinctEntries(), "3 read, 3 written, 70 executed");
        for (int i = 0; i < 3; i++) {
            assertEquals(oneByOne.entry(i), fromBuffer.entry(i));
            assertEquals(oneByOne.samplesOf(i), fromBuffer.samplesOf(i));
        }
        assertEquals(3, fromBuffer.counts(0)[3]);
        assertEquals(CHUNK, fromBuffer.counts(1).length, "a VM of unknown size has whole chunks");
        assertArrayEquals(new long[] {0, 1}, fromBuffer.sampledChunks());
    }

    private static void assertMatches(SampledPeriod period, int[] reads, int[] writes, long samples) {
        assertEquals(samples, period.sampleCount());
        int distinct = 0;
        for (int chunk = 0; chunk < period.chunkCount(); chunk++) {
            int pages = period.pagesIn(chunk);
            byte[] accessed = new byte[HeatBitmaps.bytesFor(pages)];
            byte[] dirty = new byte[HeatBitmaps.bytesFor(pages)];
            int[] counts = new int[pages];
            boolean any = false;
            for (int p = 0; p < pages; p++) {
                int gfn = chunk * CHUNK + p;
                counts[p] = reads[gfn] + writes[gfn];
                distinct += (reads[gfn] > 0 ? 1 : 0) + (writes[gfn] > 0 ? 1 : 0);
                if (counts[p] > 0) {
                    HeatBitmaps.set(accessed, p);
                    any = true;
                }
                if (writes[gfn] > 0) {
                    HeatBitmaps.set(dirty, p);
                }
            }
            assertArrayEquals(accessed, period.accessed(chunk), "accessed, chunk " + chunk);
            assertArrayEquals(dirty, period.dirty(chunk), "dirty, chunk " + chunk);
            assertArrayEquals(any ? counts : null, period.counts(chunk), "counts, chunk " + chunk);
            assertEquals(any, period.sampled(chunk));
        }
        assertEquals(distinct, period.distinctEntries());
    }
}
