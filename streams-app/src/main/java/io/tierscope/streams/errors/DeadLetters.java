package io.tierscope.streams.errors;

import io.tierscope.topics.DeadLetter;
import io.tierscope.topics.Topic;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/** Dead letters built by the exception handlers: the source record's original bytes, the reason in headers. */
final class DeadLetters {
    /** Longest reason text kept in a header: an exception message can be arbitrarily long. */
    static final int MAX_REASON_CHARS = 2000;

    private DeadLetters() {
    }

    /** The source record behind {@code context}, or null when there is none (an error in a punctuation). */
    static ProducerRecord<byte[], byte[]> of(ErrorHandlerContext context, String reason) {
        if (context.sourceRawKey() == null && context.sourceRawValue() == null) {
            return null;
        }
        Headers headers = new RecordHeaders(context.headers() == null ? null : context.headers().toArray());
        headers.add(DeadLetter.REASON, utf8(reason.length() > MAX_REASON_CHARS ? reason.substring(0, MAX_REASON_CHARS) : reason));
        headers.add(DeadLetter.REJECTED_BY, utf8("streams-app/" + context.processorNodeId()));
        if (context.topic() != null) {
            headers.add(DeadLetter.SOURCE_TOPIC, utf8(context.topic()));
            headers.add(DeadLetter.SOURCE_PARTITION, utf8(Integer.toString(context.partition())));
            headers.add(DeadLetter.SOURCE_OFFSET, utf8(Long.toString(context.offset())));
        }
        headers.add(DeadLetter.SOURCE_TIMESTAMP, utf8(Long.toString(context.timestamp())));
        // Stamped now: the source timestamp may be what the broker refused.
        return new ProducerRecord<>(Topic.DEAD_LETTER.topicName(), null, System.currentTimeMillis(),
                context.sourceRawKey(), context.sourceRawValue(), headers);
    }

    /** "ExceptionClass: message" of the exception and its causes, for the reason header. */
    static String describe(Throwable e) {
        StringBuilder out = new StringBuilder();
        for (Throwable t = e; t != null && out.length() < MAX_REASON_CHARS; t = t.getCause() == t ? null : t.getCause()) {
            if (out.length() > 0) {
                out.append("; caused by ");
            }
            out.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
        }
        return out.toString();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
