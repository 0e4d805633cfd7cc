package io.tierscope.streams.decode;

import io.tierscope.streams.metrics.DeadLetterReason;
import io.tierscope.streams.metrics.TopologySensors;
import io.tierscope.streams.registry.RegistryUnavailableException;
import io.tierscope.streams.registry.RegistryWait;
import io.tierscope.topics.DeadLetter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * First node after a source topic: turns key and value bytes into a vmId and a record, checks
 * it, and forwards it to each of {@code validChildren} with its event time as the record timestamp. Input
 * that does not decode or does not pass the check goes, byte for byte, to {@code deadLetterChild}
 * with the reason in headers ({@link DeadLetter}): nothing is lost and nothing stops the task.
 *
 * <p>Checks, in order: key, value bytes (a schema id the registry does not know, or bytes that do
 * not decode), the record's fields ({@code validator}), its event time ({@link InputBounds}: the
 * record is forwarded with that timestamp, so one a broker would refuse must not pass). A registry
 * that cannot be reached is no reason to reject a record: the decoder waits for it ({@link RegistryWait}).
 * Dead letters carry the wall-clock time of the rejection as their timestamp (the original one,
 * which may be absurd, is in a header).
 */
public final class DecodeProcessor<T> implements Processor<byte[], byte[], Object, Object> {
    /** Reads the event time out of a decoded record. */
    @FunctionalInterface
    public interface EventTime<T> {
        long of(T value);
    }

    private final Deserializer<T> deserializer;
    private final Validator<T> validator;
    private final EventTime<T> eventTime;
    private final List<String> validChildren;
    private final String deadLetterChild;
    private final String rejectedBy;
    private final InputBounds bounds;
    private final RegistryWait registry;
    private ProcessorContext<Object, Object> context;
    private final EnumMap<DeadLetterReason, Sensor> deadLetterSensors = new EnumMap<>(DeadLetterReason.class);
    /** Newest event time this processor (one per task) accepted; the "behind" bound is measured from it. */
    private long newestAcceptedMs = Long.MIN_VALUE;
    /** Reused for every key (a processor instance runs on one thread); reports bad UTF-8 instead of replacing it. */
    private final CharsetDecoder keyDecoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    public DecodeProcessor(Deserializer<T> deserializer, Validator<T> validator, EventTime<T> eventTime,
                           List<String> validChildren, String deadLetterChild, String rejectedBy,
                           InputBounds bounds, RegistryWait registry) {
        this.deserializer = deserializer;
        this.validator = validator;
        this.eventTime = eventTime;
        this.validChildren = List.copyOf(validChildren);
        this.deadLetterChild = deadLetterChild;
        this.rejectedBy = rejectedBy;
        this.bounds = bounds;
        this.registry = registry;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            deadLetterSensors.put(reason, TopologySensors.deadLetters(context.metrics(), reason));
        }
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("?");
        String key;
        try {
            key = decodeKey(record.key());
        } catch (CharacterCodingException e) {
            deadLetter(record, DeadLetterReason.BAD_KEY, "record key is not valid UTF-8 (expected the vmId as a string)");
            return;
        }
        if (key == null || key.isEmpty()) {
            deadLetter(record, DeadLetterReason.BAD_KEY, "record has no key (expected the vmId)");
            return;
        }
        if (record.value() == null) {
            deadLetter(record, DeadLetterReason.NO_VALUE, "record has no value");
            return;
        }
        T value;
        try {
            value = registry.untilAnswered(() -> deserializer.deserialize(topic, record.value()), () -> where(topic));
        } catch (RegistryUnavailableException e) {
            throw e; // shutting down while the registry is away: not a verdict on the record
        } catch (RuntimeException e) {
            deadLetter(record, DeadLetterReason.UNDECODABLE, "cannot decode value: " + e.getMessage());
            return;
        }
        String problem = validator.problemWith(key, value);
        if (problem != null) {
            deadLetter(record, DeadLetterReason.OUT_OF_RANGE, problem);
            return;
        }
        long time = eventTime.of(value);
        long now = context.currentSystemTimeMs();
        String outOfBounds = bounds.problemWith(time, now, newestAcceptedMs);
        if (outOfBounds != null) {
            deadLetter(record, time - now > bounds.maxAheadMs() ? DeadLetterReason.TOO_FAR_AHEAD : DeadLetterReason.TOO_FAR_BEHIND, outOfBounds);
            return;
        }
        newestAcceptedMs = Math.max(newestAcceptedMs, time);
        Record<Object, Object> decoded = new Record<>(key, value, time, record.headers());
        for (String child : validChildren) {
            context.forward(decoded, child);
        }
    }

    private String where(String topic) {
        return context.recordMetadata().map(m -> m.topic() + "-" + m.partition() + "@" + m.offset()).orElse(topic);
    }

    private String decodeKey(byte[] key) throws CharacterCodingException {
        if (key == null) {
            return null;
        }
        return keyDecoder.decode(ByteBuffer.wrap(key)).toString();
    }

    private void deadLetter(Record<byte[], byte[]> record, DeadLetterReason kind, String reason) {
        deadLetterSensors.get(kind).record();
        Headers headers = new RecordHeaders(record.headers().toArray());
        headers.add(DeadLetter.REASON, reason.getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetter.REJECTED_BY, rejectedBy.getBytes(StandardCharsets.UTF_8));
        context.recordMetadata().ifPresent(m -> {
            headers.add(DeadLetter.SOURCE_TOPIC, m.topic().getBytes(StandardCharsets.UTF_8));
            headers.add(DeadLetter.SOURCE_PARTITION, Integer.toString(m.partition()).getBytes(StandardCharsets.UTF_8));
            headers.add(DeadLetter.SOURCE_OFFSET, Long.toString(m.offset()).getBytes(StandardCharsets.UTF_8));
        });
        headers.add(DeadLetter.SOURCE_TIMESTAMP, Long.toString(record.timestamp()).getBytes(StandardCharsets.UTF_8));
        // Stamped now: the original timestamp may be the very reason (hours ahead) and the broker would refuse it.
        context.forward(new Record<Object, Object>(record.key(), record.value(), context.currentSystemTimeMs(), headers),
                deadLetterChild);
    }
}
