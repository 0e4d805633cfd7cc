package io.tierscope.streams.mrc;

import io.tierscope.analytics.mrc.MissRatioCurve;
import io.tierscope.analytics.sampling.SpatialFilter;
import io.tierscope.analytics.mrc.MrcConfig;
import io.tierscope.analytics.mrc.MrcEngine;
import io.tierscope.avro.MrcPoint;
import io.tierscope.avro.SampleBatch;
import io.tierscope.avro.SampleSource;
import io.tierscope.schemas.SampleCodec;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Sample batches with reuse (a hot set and a cold tail) and the reference model the MRC topology must match. */
final class MrcTestBatches {
    private MrcTestBatches() {
    }

    /** {@code n} samples of VM {@code vm} ending at {@code endMs}; access bits cycle r, w, x, rw; seeded by (vm, endMs). */
    static SampleBatch batch(String vm, long seq, long endMs, int n) {
        SplittableRandom rnd = new SplittableRandom(vm.hashCode() * 31L + endMs);
        long[] gfns = new long[n];
        byte[] xwr = new byte[n];
        for (int i = 0; i < n; i++) {
            gfns[i] = rnd.nextInt(4) == 0 ? 1000 + rnd.nextInt(3000) : rnd.nextInt(300);
            xwr[i] = (byte) switch (i % 4) {
                case 0 -> SampleCodec.READ;
                case 1 -> SampleCodec.WRITE;
                case 2 -> SampleCodec.EXEC;
                default -> SampleCodec.READ | SampleCodec.WRITE;
            };
        }
        return SampleBatch.newBuilder().setVmId(vm).setHost("h1").setSource(SampleSource.SYNTHETIC).setBatchSeq(seq)
                .setStartTimeMs(Math.max(0, endMs - 500)).setEndTimeMs(endMs).setSampleCount(n)
                .setSamples(SampleCodec.encode(gfns, xwr, n)).build();
    }

    /** Batch {@code b} as a collector with {@code --prefilter-rate rate} publishes it: kept samples, rate, removed count. */
    static SampleBatch prefiltered(SampleBatch b, double rate) {
        int n = b.getSampleCount();
        ByteBuffer view = SampleCodec.view(b.getSamples(), n);
        long[] gfns = new long[n];
        byte[] xwr = new byte[n];
        for (int i = 0; i < n; i++) {
            long packed = view.getLong(view.position() + i * SampleCodec.BYTES_PER_SAMPLE);
            gfns[i] = SampleCodec.gfn(packed);
            xwr[i] = (byte) SampleCodec.xwr(packed);
        }
        int kept = SpatialFilter.forRate(b.getVmId(), rate).filter(gfns, xwr, n);
        return SampleBatch.newBuilder(b).setSampleCount(kept).setSamples(SampleCodec.encode(gfns, xwr, kept))
                .setPrefilterRate(rate).setPrefilteredOut(n - kept).build();
    }

    /** An engine fed directly, as the topology should feed it. */
    static final class Reference {
        private final MrcEngine engine;
        private final int mask;

        Reference(String vm, MrcConfig config, int mask) {
            this.engine = MrcEngine.forVm(vm, config);
            this.mask = mask;
        }

        /** Engine access for cases the plain feed does not cover (declared pre-filter rates). */
        MrcEngine engine() {
            return engine;
        }

        void feed(SampleBatch b) {
            ByteBuffer view = SampleCodec.view(b.getSamples(), b.getSampleCount());
            for (int i = 0; i < b.getSampleCount(); i++) {
                long packed = view.getLong(view.position() + i * 8);
                if ((SampleCodec.xwr(packed) & mask) != 0) {
                    long t = b.getSampleCount() == 1 ? b.getStartTimeMs()
                            : b.getStartTimeMs() + (b.getEndTimeMs() - b.getStartTimeMs()) * i / (b.getSampleCount() - 1);
                    engine.setClock(t);
                    engine.accept(SampleCodec.gfn(packed));
                }
            }
        }

        /** The window curve, then (after closing the window) the long curve of histogram {@code longCurve}. */
        MissRatioCurve[] close(MrcEngine.Histogram longCurve) {
            MissRatioCurve window = engine.curve(MrcEngine.Histogram.WINDOW);
            engine.closeWindow();
            return new MissRatioCurve[] {window, engine.curve(longCurve)};
        }

        int trackedPages() {
            return engine.trackedPages();
        }
    }

    /** The Avro curve carries exactly the engine curve's numbers. */
    static void assertSameCurve(MissRatioCurve expected, io.tierscope.avro.MissRatioCurve actual) {
        assertEquals(expected.references(), actual.getReferences(), "references");
        assertEquals(Math.round(expected.footprintPages()), actual.getColdMisses(), "coldMisses");
        assertEquals(expected.samplingRate(), actual.getSamplingRate(), "samplingRate");
        assertEquals(expected.workingSetPages(), actual.getWorkingSetPages(), "workingSetPages");
        assertEquals(expected.interpolationError(), actual.getInterpolationError(), "interpolationError");
        List<MrcPoint> points = actual.getPoints();
        assertEquals(expected.points(), points.size(), "points");
        for (int i = 0; i < points.size(); i++) {
            assertEquals(expected.sizePages()[i], points.get(i).getSizePages(), "size of point " + i);
            assertEquals(expected.sizeBytes(i), points.get(i).getSizeBytes(), "bytes of point " + i);
            assertEquals(expected.missRatio()[i], points.get(i).getMissRatio(), "miss ratio of point " + i);
        }
    }
}
