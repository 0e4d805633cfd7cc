package io.tierscope.streams.decode;

import io.tierscope.avro.AdScan;
import io.tierscope.avro.SampleBatch;
import io.tierscope.schemas.SampleCodec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * What the input topics' records must satisfy beyond their schemas: every field of a sample batch
 * and of an A/D scan in its range, lengths that must agree. A record that fails goes to the
 * dead-letter topic with the returned reason; one that passes cannot make a processor compute a
 * negative count, an overflowing range or a timestamp a broker refuses (event times are bounded
 * separately, by {@link InputBounds}).
 */
public final class InputChecks {
    /** Longest vmId or host name, in chars: ids and names, not payloads. */
    public static final int MAX_NAME_CHARS = 255;
    /**
     * Guest frame numbers lie below 2^52: a 64-bit address space in 4 KiB pages (x86-64 and arm64
     * physical addresses are at most 52 bits, so real gfns are far lower).
     */
    public static final long GFN_LIMIT = 1L << 52;
    /**
     * Largest drop or pre-filter count one batch may report (2^40, about 10^12: a million samples a
     * second for twelve days). Counts are summed per window and per VM; a bound keeps the sums far
     * from overflowing into negative numbers.
     */
    public static final long MAX_COUNTER = 1L << 40;
    /** Longest time a sample batch may span: collectors flush batches every second or so. */
    public static final long MAX_BATCH_SPAN_MS = 86_400_000L;
    /** Longest scan period: scanners run every few seconds to minutes. */
    public static final int MAX_SCAN_PERIOD_MS = 86_400_000;

    private InputChecks() {
    }

    public static String sampleBatch(String key, SampleBatch b) {
        String names = names(key, b.getVmId(), b.getHost());
        if (names != null) {
            return names;
        }
        if (b.getBatchSeq() < 0) {
            return "negative batchSeq " + b.getBatchSeq();
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
        if (b.getEndTimeMs() - b.getStartTimeMs() > MAX_BATCH_SPAN_MS) {
            return "batch spans " + (b.getEndTimeMs() - b.getStartTimeMs()) + " ms (startTimeMs " + b.getStartTimeMs()
                    + ", endTimeMs " + b.getEndTimeMs() + "), more than " + MAX_BATCH_SPAN_MS;
        }
        if (b.getSamplingHz() < 0) {
            return "negative samplingHz " + b.getSamplingHz();
        }
        if (b.getDroppedSinceLastBatch() < 0) {
            return "negative droppedSinceLastBatch " + b.getDroppedSinceLastBatch();
        }
        if (b.getDroppedSinceLastBatch() > MAX_COUNTER) {
            return "droppedSinceLastBatch " + b.getDroppedSinceLastBatch() + " is more than " + MAX_COUNTER;
        }
        if (!(b.getPrefilterRate() > 0 && b.getPrefilterRate() <= 1)) {
            return "prefilterRate " + b.getPrefilterRate() + " is outside (0, 1]";
        }
        if (b.getPrefilteredOut() < 0) {
            return "negative prefilteredOut " + b.getPrefilteredOut();
        }
        if (b.getPrefilteredOut() > MAX_COUNTER) {
            return "prefilteredOut " + b.getPrefilteredOut() + " is more than " + MAX_COUNTER;
        }
        if (b.getPrefilterRate() == 1.0 && b.getPrefilteredOut() != 0) {
            return "prefilteredOut " + b.getPrefilteredOut() + " without a pre-filter (prefilterRate 1.0)";
        }
        ByteBuffer samples = b.getSamples().duplicate().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < b.getSampleCount(); i++) {
            long gfn = SampleCodec.gfn(samples.getLong(samples.position() + i * SampleCodec.BYTES_PER_SAMPLE));
            if (gfn >= GFN_LIMIT) {
                return "sample " + i + " has gfn " + gfn + ", not below 2^52";
            }
        }
        return null;
    }

    public static String adScan(String key, AdScan s) {
        String names = names(key, s.getVmId(), s.getHost());
        if (names != null) {
            return names;
        }
        if (s.getScanSeq() < 0) {
            return "negative scanSeq " + s.getScanSeq();
        }
        if (s.getTimeMs() < 0) {
            return "negative timeMs " + s.getTimeMs();
        }
        if (s.getPeriodMs() <= 0 || s.getPeriodMs() > MAX_SCAN_PERIOD_MS) {
            return "periodMs " + s.getPeriodMs() + " is outside (0, " + MAX_SCAN_PERIOD_MS + "]";
        }
        if (s.getPageCount() <= 0) {
            return "pageCount " + s.getPageCount() + " is not positive";
        }
        if (s.getBaseGfn() < 0) {
            return "negative baseGfn " + s.getBaseGfn();
        }
        if (s.getBaseGfn() > GFN_LIMIT - s.getPageCount()) {
            return "gfn range " + s.getBaseGfn() + " + " + s.getPageCount() + " pages does not end below 2^52";
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

    /** The key must be the vmId; both names short and free of control characters (they end up in keys and logs). */
    private static String names(String key, String vmId, String host) {
        if (!key.equals(vmId)) {
            return "record key '" + printable(key) + "' differs from vmId '" + printable(vmId) + "'";
        }
        String vm = nameProblem("vmId", vmId);
        return vm != null ? vm : nameProblem("host", host);
    }

    private static String nameProblem(String field, String value) {
        if (value.isEmpty()) {
            return "empty " + field;
        }
        if (value.length() > MAX_NAME_CHARS) {
            return field + " is " + value.length() + " chars long, more than " + MAX_NAME_CHARS;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || Character.isSurrogate(c) && !validSurrogateAt(value, i)) {
                return field + " '" + printable(value) + "' contains a control character or broken surrogate at " + i;
            }
        }
        return null;
    }

    private static boolean validSurrogateAt(String s, int i) {
        char c = s.charAt(i);
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
        }
        return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }

    /** At most 80 chars of {@code s}, control characters as '?', for a reason text. */
    private static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        StringBuilder out = new StringBuilder(cut.length());
        cut.chars().forEach(c -> out.append(Character.isISOControl(c) ? '?' : (char) c));
        return out.toString();
    }
}
