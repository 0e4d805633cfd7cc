package io.tierscope.streams.decode;

import io.tierscope.topics.DeadLetter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.kafka.common.header.Headers;
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
    private ProcessorContext<Object, Object> context;
    /** Reused for every key (a processor instance runs on one thread); reports bad UTF-8 instead of replacing it. */
    private final CharsetDecoder keyDecoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);

    public DecodeProcessor(Deserializer<T> deserializer, Validator<T> validator, EventTime<T> eventTime,
                           List<String> validChildren, String deadLetterChild, String rejectedBy) {
        this.deserializer = deserializer;
        this.validator = validator;
        this.eventTime = eventTime;
        this.validChildren = List.copyOf(validChildren);
        this.deadLetterChild = deadLetterChild;
        this.rejectedBy = rejectedBy;
    }

    @Override
    public void init(ProcessorContext<Object, Object> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("?");
        String key;
        try {
            key = decodeKey(record.key());
        } catch (CharacterCodingException e) {
            deadLetter(record, "record key is not valid UTF-8 (expected the vmId as a string)");
            return;
        }
        if (key == null || key.isEmpty()) {
            deadLetter(record, "record has no key (expected the vmId)");
            return;
        }
        if (record.value() == null) {
            deadLetter(record, "record has no value");
            return;
        }
        T value;
        try {
            value = deserializer.deserialize(topic, record.value());
        } catch (RuntimeException e) {
            deadLetter(record, "cannot decode value: " + e.getMessage());
            return;
        }
        String problem = validator.problemWith(key, value);
        if (problem != null) {
            deadLetter(record, problem);
            return;
        }
        Record<Object, Object> decoded = new Record<>(key, value, eventTime.of(value), record.headers());
        for (String child : validChildren) {
            context.forward(decoded, child);
        }
    }

    private String decodeKey(byte[] key) throws CharacterCodingException {
        if (key == null) {
            return null;
        }
        return keyDecoder.decode(ByteBuffer.wrap(key)).toString();
    }

    private void deadLetter(Record<byte[], byte[]> record, String reason) {
        Headers headers = new RecordHeaders(record.headers().toArray());
        headers.add(DeadLetter.REASON, reason.getBytes(StandardCharsets.UTF_8));
        headers.add(DeadLetter.REJECTED_BY, rejectedBy.getBytes(StandardCharsets.UTF_8));
        context.recordMetadata().ifPresent(m -> {
            headers.add(DeadLetter.SOURCE_TOPIC, m.topic().getBytes(StandardCharsets.UTF_8));
            headers.add(DeadLetter.SOURCE_PARTITION, Integer.toString(m.partition()).getBytes(StandardCharsets.UTF_8));
            headers.add(DeadLetter.SOURCE_OFFSET, Long.toString(m.offset()).getBytes(StandardCharsets.UTF_8));
        });
        context.forward(new Record<Object, Object>(record.key(), record.value(), record.timestamp(), headers), deadLetterChild);
    }
}
