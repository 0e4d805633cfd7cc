package io.tierscope.streams.errors;

import io.tierscope.streams.registry.RegistryUnavailableException;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A write the broker refuses because of the record itself (timestamp out of the broker's bounds,
 * record too large, invalid record) would be refused again on every retry, and failing the thread
 * would loop: restore, reprocess, refuse. Such a write is skipped and the input record that caused
 * it goes to the dead-letter topic with the broker's error as the reason. Output that cannot be
 * serialised is treated the same way. Every other error (the broker down, fencing) keeps Kafka
 * Streams' own handling (fail: the task is retried or migrated).
 *
 * <p>The input checks ({@link io.tierscope.streams.decode.InputBounds}) keep such records out in
 * the first place; this is the backstop, e.g. for a broker whose message.timestamp.after.max.ms is
 * below {@code tierscope.input.max.ahead.ms}.
 */
public final class DeadLetterProductionExceptionHandler implements ProductionExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProductionExceptionHandler.class);

    @Override
    public void configure(Map<String, ?> configs) {
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        if (!(exception instanceof InvalidTimestampException || exception instanceof RecordTooLargeException
                || exception instanceof RecordBatchTooLargeException || exception instanceof InvalidRecordException)) {
            return Response.fail();
        }
        return skip(context, "broker refused the write to " + record.topic() + ": " + DeadLetters.describe(exception), exception);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
                                             SerializationExceptionOrigin origin) {
        if (exception instanceof RegistryUnavailableException) {
            return Response.fail(); // shutting down while waiting for the registry: the input is read again
        }
        return skip(context, "cannot serialise the " + origin.name().toLowerCase() + " of a record for " + record.topic()
                + ": " + DeadLetters.describe(exception), exception);
    }

    private static Response skip(ErrorHandlerContext context, String reason, Exception exception) {
        ProducerRecord<byte[], byte[]> deadLetter = DeadLetters.of(context, reason);
        LOG.warn("skipping a write ({}-{}@{}): {}", context.topic(), context.partition(), context.offset(), reason, exception);
        return deadLetter == null ? Response.resume() : Response.resume(List.of(deadLetter));
    }
}
