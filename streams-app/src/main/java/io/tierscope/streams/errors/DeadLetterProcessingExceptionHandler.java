package io.tierscope.streams.errors;

import io.tierscope.streams.registry.RegistryUnavailableException;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A processor that throws on one record must not kill its stream thread: the replacement thread
 * would restore the task, read the same record and die again, forever, stopping every VM on the
 * partition. This handler (Kafka Streams' processing.exception.handler, KIP-1033) sends the input
 * record, byte for byte, to the dead-letter topic with the exception as the reason, and lets the
 * task continue; Kafka Streams counts it in the task's dropped-records metric.
 *
 * <p>Exceptions: {@link RegistryUnavailableException} (the app stops while waiting for the schema
 * registry) fails the thread, since the record is fine and must be read again. An error in a
 * punctuation has no input record: it is logged and processing continues.
 */
public final class DeadLetterProcessingExceptionHandler implements ProcessingExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProcessingExceptionHandler.class);

    @Override
    public void configure(Map<String, ?> configs) {
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        if (exception instanceof RegistryUnavailableException) {
            return Response.fail();
        }
        String reason = "processing failed in " + context.processorNodeId() + ": " + DeadLetters.describe(exception);
        ProducerRecord<byte[], byte[]> deadLetter = DeadLetters.of(context, reason);
        if (deadLetter == null) {
            LOG.error("{} (task {}, no input record: a punctuation); continuing", reason, context.taskId(), exception);
            return Response.resume();
        }
        LOG.warn("dead-lettering {}-{}@{}: {}", context.topic(), context.partition(), context.offset(), reason, exception);
        return Response.resume(List.of(deadLetter));
    }
}
