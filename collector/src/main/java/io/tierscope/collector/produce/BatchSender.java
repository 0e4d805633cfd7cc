package io.tierscope.collector.produce;

import io.tierscope.schemas.serde.SchemaRegistryException;
import io.tierscope.topics.EndOfInput;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that moves records from the {@link SendBuffer} into the Kafka producer, so
 * that a producer blocked on metadata or memory never stalls a pump. The buffer weight of a
 * record is released only when the broker has answered for it, successfully or finally not.
 *
 * <p>An unreachable broker or schema registry is an outage to wait out, not a reason to drop
 * records: a send that fails for a retriable reason (the producer's own retries timed out, the
 * registry could not be reached to encode it) goes back to the head of the buffer and is sent
 * again after a backoff, while {@link DeliveryHealth} says what is wrong. Only once the collector
 * stops ({@link #giveUp}) does a failure count as final.
 */
final class BatchSender implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(BatchSender.class);
    static final long MIN_BACKOFF_MS = 100;
    static final long MAX_BACKOFF_MS = 5_000;

    private final SendBuffer buffer;
    private final Producer<String, SpecificRecord> producer;
    private final CollectorMetrics metrics;
    private final DeliveryHealth health;
    private final Runnable answered;
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean draining;
    private volatile boolean givingUp;
    private volatile long retryNotBeforeNanos;
    private volatile long backoffMs = MIN_BACKOFF_MS;

    /** @param answered run on every answer from the producer (the collector opens its paced feeds' start gate with it) */
    BatchSender(SendBuffer buffer, Producer<String, SpecificRecord> producer, CollectorMetrics metrics,
                DeliveryHealth health, Runnable answered) {
        this.buffer = buffer;
        this.producer = producer;
        this.metrics = metrics;
        this.health = health;
        this.answered = answered;
    }

    /** Asks the thread to exit once the buffer has no queued entries left. */
    void drainAndStop() {
        draining = true;
    }

    /** From now on every failure is final (counted failed), not retried: the collector is stopping. */
    void giveUp() {
        givingUp = true;
    }

    @Override
    public void run() {
        try {
            while (true) {
                long wait = retryNotBeforeNanos - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(50)));
                    continue;
                }
                Outgoing next = buffer.poll(50, TimeUnit.MILLISECONDS);
                if (next != null) {
                    send(next);
                } else if (draining) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void send(Outgoing entry) {
        long sentAt = System.nanoTime();
        try {
            ProducerRecord<String, SpecificRecord> record =
                    new ProducerRecord<>(entry.topic(), null, entry.eventTimeMs(), entry.key(), entry.value());
            if (entry.endOfInput()) {
                record.headers().add(EndOfInput.HEADER, new byte[0]);
            }
            producer.send(record, (metadata, error) -> completed(entry, sentAt, metadata, error));
            health.registryReachable();
        } catch (SchemaRegistryException e) {
            if (retriable(e) && !givingUp) {
                health.registryUnreachable(e);
                retryLater(entry);
            } else {
                completed(entry, sentAt, null, e); // incompatible schema, bad request: retrying cannot help
            }
        } catch (RuntimeException e) {
            // Serialization, a closed producer or an interrupted metadata wait: the record never left.
            completed(entry, sentAt, null, e);
        }
    }

    /** Unreachable, or the registry's own trouble (5xx, 429); not a rejected schema. */
    private static boolean retriable(SchemaRegistryException e) {
        int status = e.httpStatus();
        boolean unreachable = status == 0 && !(e.getCause() instanceof InterruptedException);
        return unreachable || status >= 500 || status == 429;
    }

    private void retryLater(Outgoing entry) {
        buffer.requeue(entry);
        retryNotBeforeNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMs);
        backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
    }

    private void completed(Outgoing entry, long sentAt, RecordMetadata metadata, Exception error) {
        answered.run();
        if (error == null) {
            metrics.recordSendLatency(System.nanoTime() - sentAt);
            health.acknowledged();
            backoffMs = MIN_BACKOFF_MS;
            metrics.bytesPublished.add(Math.max(0, metadata.serializedKeySize()) + Math.max(0, metadata.serializedValueSize()));
            if (entry.isScan()) {
                metrics.scansPublished.increment();
                metrics.scanPagesPublished.add(entry.scanPages());
            } else {
                metrics.samplesPublished.add(entry.sampleCount());
                metrics.batchesPublished.increment();
            }
            buffer.release(entry);
            return;
        }
        if (error instanceof RetriableException && !givingUp) {
            // The producer's retries ran out (delivery or metadata timeout): the broker is away. The
            // record keeps its place in the buffer and is sent again.
            health.brokerError(error);
            retryLater(entry);
            return;
        }
        metrics.recordSendLatency(System.nanoTime() - sentAt);
        if (entry.isScan()) {
            metrics.scansFailed.increment();
        } else {
            metrics.samplesFailed.add(entry.sampleCount());
            metrics.batchesFailed.increment();
            // Reported to consumers in the VM's next batch; its batchSeq shows the gap.
            entry.lane().addDropped(entry.sampleCount());
        }
        long n = failures.incrementAndGet();
        if (n == 1 || Long.bitCount(n) == 1) {
            LOG.error("delivery to {} failed for VM {} ({} failures so far): {}",
                    entry.topic(), entry.key(), n, error.toString());
        }
        buffer.release(entry);
    }
}
