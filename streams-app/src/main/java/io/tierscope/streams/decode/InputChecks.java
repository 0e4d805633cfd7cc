package io.tierscope.streams.decode;

import io.tierscope.avro.AdScan;
import io.tierscope.avro.SampleBatch;
import io.tierscope.schemas.SampleCodec;

/** What the input topics' records must satisfy beyond their schemas. */
public final class InputChecks {
    private InputChecks() {
    }

    public static String sampleBatch(String key, SampleBatch b) {
        if (!key.equals(b.getVmId())) {
            return "record key '" + key + "' differs from vmId '" + b.getVmId() + "'";
        }
        if (b.getSampleCount() < 0) {
            return "negative sampleCount " + b.getSampleCount();
        }
        long expected = (long) b.getSampleCount() * SampleCodec.BYTES_PER_SAMPLE;
        if (b.getSamples().remaining() != expected) {
            return "samples field holds " + b.getSamples().remaining() + " bytes but sampleCount "
                    + b.getSampleCount() + " needs " + expected;
        }
        if (b.getStartTimeMs() < 0) {
            return "negative startTimeMs " + b.getStartTimeMs();
        }
        if (b.getEndTimeMs() < b.getStartTimeMs()) {
            return "endTimeMs " + b.getEndTimeMs() + " is before startTimeMs " + b.getStartTimeMs();
        }
        if (!(b.getPrefilterRate() > 0 && b.getPrefilterRate() <= 1)) {
            return "prefilterRate " + b.getPrefilterRate() + " is outside (0, 1]";
        }
        if (b.getPrefilteredOut() < 0) {
            return "negative prefilteredOut " + b.getPrefilteredOut();
        }
        return null;
    }

    public static String adScan(String key, AdScan s) {
        if (!key.equals(s.getVmId())) {
            return "record key '" + key + "' differs from vmId '" + s.getVmId() + "'";
        }
        if (s.getPageCount() <= 0) {
            return "pageCount " + s.getPageCount() + " is not positive";
        }
        if (s.getTimeMs() < 0) {
            return "negative timeMs " + s.getTimeMs();
        }
        if (s.getBaseGfn() < 0) {
            return "negative baseGfn " + s.getBaseGfn();
        }
        int bytes = SampleCodec.bitmapBytes(s.getPageCount());
        if (s.getAccessed().remaining() != bytes) {
            return "accessed bitmap holds " + s.getAccessed().remaining() + " bytes but pageCount "
                    + s.getPageCount() + " needs " + bytes;
        }
        if (s.getDirty() != null && s.getDirty().remaining() != bytes) {
            return "dirty bitmap holds " + s.getDirty().remaining() + " bytes but pageCount "
                    + s.getPageCount() + " needs " + bytes;
        }
        return null;
    }
}
